using System.Text;
using Neuromorphic.Core.Errors;
using Neuromorphic.Tests.Support;
using Neuromorphic.Workflows.Inputs;

namespace Neuromorphic.Tests.Workflows;

/// <summary>
/// The byte reader of input events against the line-by-line reader over <see cref="File.ReadLines(string)"/>:
/// same events, same order, same errors, whatever the line endings, byte-order mark, header,
/// comments, blanks, spaces and signs.
/// </summary>
public class InputEventsFileTests
{
    private const int Inputs = 50;
    private const int Steps = 40;

    [Fact]
    public void Random_files_read_as_the_line_reader_reads_them()
    {
        var random = new Random(15);
        using var dir = new TempDirectory();
        for (var file = 0; file < 300; file++)
        {
            var path = dir.File($"events{file}.csv");
            File.WriteAllBytes(path, RandomFile(random, valid: file % 3 != 0));
            AssertSameAsLineReader(path);
        }
    }

    [Theory]
    [InlineData("step,index\n1,2\n3,4\n")]
    [InlineData("\uFEFFstep,index\r\n1,2\r\n3,4")]
    [InlineData("1,2\r3,4\r\r\n\n# comment\n 5 , 6 \n+7,08\n")]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("1,2\n3,4,5\n")]
    [InlineData("1,2\n41,3\n")]
    [InlineData("1,2\n0,3\n")]
    [InlineData("1,50\n")]
    [InlineData("1,-1\n")]
    [InlineData("2147483648,1\n")]
    [InlineData("0000000001,1\n")]
    [InlineData("1,\n")]
    [InlineData(",1\n")]
    [InlineData("1;2\n")]
    [InlineData("1,2\nstep,index\n")]
    [InlineData("1,\u0663\n")]
    public void Edge_cases_read_as_the_line_reader_reads_them(string content)
    {
        using var dir = new TempDirectory();
        var path = dir.File("events.csv");
        File.WriteAllText(path, content, new UTF8Encoding(false));
        AssertSameAsLineReader(path);
    }

    [Fact]
    public void A_utf16_file_is_read_through_its_byte_order_mark()
    {
        using var dir = new TempDirectory();
        var path = dir.File("events.csv");
        File.WriteAllText(path, "step,index\n1,2\n3,4\n", Encoding.Unicode);
        Assert.Equal([(1, 2), (3, 4)], InputEventsFile.Read(path, Inputs, Steps));
    }

    [Fact]
    public void A_missing_file_names_itself()
    {
        var error = Assert.Throws<InvalidInputException>(() => InputEventsFile.Read("/nonexistent/events.csv", Inputs, Steps));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    private static void AssertSameAsLineReader(string path)
    {
        var (expected, expectedError) = Outcome(() => InputEventsFile.ReadLines(path, File.ReadLines(path), Inputs, Steps));
        var (actual, actualError) = Outcome(() => InputEventsFile.Read(path, Inputs, Steps));
        Assert.Equal(expectedError, actualError);
        Assert.Equal(expected, actual);
    }

    private static (List<(int, int)>? Events, string? Error) Outcome(Func<List<(int Step, int Index)>> read)
    {
        try
        {
            return (read(), null);
        }
        catch (InvalidInputException ex)
        {
            return (null, ex.Message);
        }
    }

    private static byte[] RandomFile(Random random, bool valid)
    {
        var text = new StringBuilder();
        if (random.Next(3) == 0)
        {
            text.Append('\uFEFF');
        }

        if (random.Next(2) == 0)
        {
            text.Append(random.Next(2) == 0 ? "step,index" : " Step , Index ").Append(Newline(random));
        }

        var lines = random.Next(0, 60);
        var broken = valid ? -1 : random.Next(lines + 1);
        for (var i = 0; i < lines; i++)
        {
            if (i == broken)
            {
                string[] bad = ["1,2,3", "x,1", $"{Steps + 1},1", $"1,{Inputs}", "0,0", "1,", "-1,2", "99999999999,1", "1 2", "step,index"];
                text.Append(bad[random.Next(bad.Length)]).Append(Newline(random));
                continue;
            }

            switch (random.Next(10))
            {
                case 0:
                    text.Append(Newline(random));
                    continue;
                case 1:
                    text.Append("# a comment, 1,2").Append(Newline(random));
                    continue;
                case 2:
                    text.Append(' ').Append(random.Next(1, Steps + 1)).Append(" ,\t").Append(random.Next(Inputs)).Append(' ');
                    break;
                case 3:
                    text.Append('+').Append(random.Next(1, Steps + 1)).Append(",0").Append(random.Next(Inputs));
                    break;
                default:
                    text.Append(random.Next(1, Steps + 1)).Append(',').Append(random.Next(Inputs));
                    break;
            }

            if (i < lines - 1 || random.Next(2) == 0)
            {
                text.Append(Newline(random));
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Newline(Random random) => random.Next(4) switch { 0 => "\r\n", 1 => "\r", _ => "\n" };
}
