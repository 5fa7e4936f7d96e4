using System.Globalization;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces.Format;
using Parquet;
using Parquet.Schema;

namespace Neuromorphic.Tests.Traces;

/// <summary>Parquet export and the standard-library Python reader, both held to the CSV export.</summary>
public class TraceExportFormatTests
{
    private static readonly string[] s_tables = ["spikes", "messages", "perf", "inferences"];

    /// <summary>A 20-inference trace at level messages (synthetic, small cores and steps to keep the test fast).</summary>
    private static string Synthetic(TempDirectory directory, string compression = "deflate", string name = "run.trace")
    {
        var path = directory.File(name);
        var result = CliRunner.Run("trace", "synth", "--out", path, "--inferences", "20", "--steps", "16", "--cores", "8", "--inputs", "100",
            "--level", "messages", "--compression", compression, "--seed", "3");
        Assert.True(result.ExitCode == 0, result.ToString());
        return path;
    }

    /// <summary>The golden three-neuron network run with its hidden and output neurons probed (trace format 3.1: probe records).</summary>
    private static string Probed(TempDirectory directory)
    {
        var path = directory.File("probed.trace");
        var result = CliRunner.Run("run", "--model", RepoPaths.Path("traces", "golden", "three-neurons.json"), "--chip", "tiny",
            "--input", RepoPaths.Path("traces", "golden", "three-neurons-input.csv"), "--steps", "12", "--trace", path, "--trace-level", "messages",
            "--probe", "hid", "--probe", "out", "--quiet");
        Assert.True(result.ExitCode == 0, result.ToString());
        return path;
    }

    /// <summary>The tables an export of <paramref name="csvDirectory"/> holds: the four, and probes when the run probed neurons.</summary>
    private static string[] TablesIn(string csvDirectory) =>
        File.Exists(Path.Combine(csvDirectory, "probes.csv")) ? [.. s_tables, "probes"] : s_tables;

    private static void Export(string trace, string directory, params string[] extra)
    {
        var result = CliRunner.Run(["trace", "export", trace, "--out", directory, .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void Parquet_export_of_a_20_inference_messages_trace_is_at_least_5_times_smaller_than_the_csv()
    {
        using var directory = new TempDirectory();
        var trace = Synthetic(directory);
        Export(trace, directory.File("csv"));
        Export(trace, directory.File("parquet"), "--format", "parquet");
        var csv = new FileInfo(directory.File("csv/messages.csv")).Length;
        var parquet = new FileInfo(directory.File("parquet/messages.parquet")).Length;
        Assert.True(csv >= 5 * parquet, $"messages.csv {csv:N0} bytes, messages.parquet {parquet:N0} bytes ({(double)csv / parquet:F2}×)");
        var all = s_tables.Sum(t => new FileInfo(directory.File($"csv/{t}.csv")).Length);
        var allParquet = s_tables.Sum(t => new FileInfo(directory.File($"parquet/{t}.parquet")).Length);
        Assert.True(all >= 5 * allParquet, $"{all:N0} vs {allParquet:N0} bytes");
    }

    [Fact]
    public async Task Parquet_tables_hold_the_csv_columns_and_values_exactly()
    {
        using var directory = new TempDirectory();
        foreach (var trace in new[] { Synthetic(directory), RepoPaths.Path("traces", "golden", "three-neurons-tiny-barrier.trace"), Probed(directory) })
        {
            var csvDir = directory.File(Path.GetFileNameWithoutExtension(trace) + "-csv");
            var pqDir = directory.File(Path.GetFileNameWithoutExtension(trace) + "-parquet");
            Export(trace, csvDir);
            Export(trace, pqDir, "--format", "parquet");
            Assert.Equal(File.ReadAllText(Path.Combine(csvDir, "summary.json")), File.ReadAllText(Path.Combine(pqDir, "summary.json")));
            Assert.Equal(TablesIn(csvDir).Length, Directory.GetFiles(pqDir, "*.parquet").Length);
            foreach (var table in TablesIn(csvDir))
            {
                var lines = File.ReadAllLines(Path.Combine(csvDir, table + ".csv"));
                var header = lines[0].Split(',');
                await using var stream = File.OpenRead(Path.Combine(pqDir, table + ".parquet"));
                await using var reader = await ParquetReader.CreateAsync(stream);
                var fields = reader.Schema.GetDataFields();
                Assert.Equal(header, fields.Select(f => f.Name));
                var columns = new List<Array>[fields.Length];
                for (var c = 0; c < fields.Length; c++)
                {
                    columns[c] = [];
                }

                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    for (var c = 0; c < fields.Length; c++)
                    {
                        var rows = (int)group.RowCount;
                        switch (fields[c])
                        {
                            case DecimalDataField:
                                var decimals = new decimal[rows];
                                await group.ReadAsync<decimal>(fields[c], decimals.AsMemory());
                                columns[c].Add(decimals);
                                break;
                            case { } f when f.ClrType == typeof(long):
                                var longs = new long[rows];
                                await group.ReadAsync<long>(f, longs.AsMemory());
                                columns[c].Add(longs);
                                break;
                            case { } f when f.ClrType == typeof(double):
                                var doubles = new double[rows];
                                await group.ReadAsync<double>(f, doubles.AsMemory());
                                columns[c].Add(doubles);
                                break;
                            default:
                                var texts = new string?[rows];
                                await group.ReadAsync(fields[c], texts.AsMemory());
                                columns[c].Add(texts);
                                break;
                        }
                    }
                }

                var values = columns.Select(parts => parts.SelectMany(a => a.Cast<object>()).ToArray()).ToArray();
                Assert.Equal(lines.Length - 1, values[0].Length);
                for (var r = 1; r < lines.Length; r++)
                {
                    var cells = lines[r].Split(',');
                    for (var c = 0; c < cells.Length; c++)
                    {
                        var value = values[c][r - 1];
                        switch (value)
                        {
                            case long l:
                                Assert.Equal(cells[c], l.ToString(CultureInfo.InvariantCulture));
                                break;
                            case double x:
                                Assert.Equal(cells[c], x.ToString("R", CultureInfo.InvariantCulture));
                                break;
                            case decimal d:
                                // The CSV's shortest round-trip double is the exact decimal ps·10⁻¹² (fJ·10⁻¹⁵).
                                Assert.True(decimal.Parse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture) == d, $"{table} row {r} {header[c]}: {cells[c]} vs {d}");
                                break;
                            default:
                                Assert.Equal(cells[c], value as string);
                                break;
                        }
                    }
                }

                var types = fields.Select(f => f is DecimalDataField ? "decimal" : f.ClrType == typeof(long) ? "int64" : "string").ToArray();
                if (table == "messages")
                {
                    Assert.Equal("string", types[Array.IndexOf(header, "src_neuron")]);
                    Assert.Equal("decimal", types[Array.IndexOf(header, "send_timestamp")]);
                    Assert.Equal("int64", types[Array.IndexOf(header, "sent_ps")]);
                }
            }
        }

        Assert.Equal(2 * 12 + 1, File.ReadAllLines(directory.File("probed-csv/probes.csv")).Length); // two neurons, 12 steps
    }

    [Fact]
    public void A_parquet_export_into_a_missing_folder_exits_2_naming_the_option_and_folder()
    {
        using var directory = new TempDirectory();
        var trace = RepoPaths.Path("traces", "golden", "three-neurons-tiny-barrier.trace");
        var missing = directory.File("no/such/out");
        var result = CliRunner.Run("trace", "export", trace, "--out", missing, "--format", "parquet");
        CliRunner.AssertBadInput(result, "--out", missing, "does not exist");
        Assert.False(Directory.Exists(directory.File("no")));
        CliRunner.AssertBadInput(CliRunner.Run("trace", "export", trace, "--out", directory.File("x"), "--format", "feather"), "--format");
    }

    [PythonFact]
    public void The_python_reader_writes_the_same_tables_as_the_csv_export()
    {
        using var directory = new TempDirectory();
        var traces = new[]
        {
            Synthetic(directory, "deflate", "deflate.trace"),
            Synthetic(directory, "none", "none.trace"),
            RepoPaths.Path("traces", "golden", "three-neurons-tiny-barrier.trace"),
            RepoPaths.Path("traces", "golden", "three-neurons-tiny-async.trace"),
            Probed(directory),
        };
        foreach (var trace in traces)
        {
            var name = Path.GetFileNameWithoutExtension(trace);
            Export(trace, directory.File(name + "-csv"));
            var (code, stdout, stderr) = Python.Run(RepoPaths.Path("tools", "trace_reader.py"), trace, "--csv", directory.File(name + "-py"));
            Assert.True(code == 0, $"{name}: exit {code}\n{stdout}\n{stderr}");
            Assert.Equal(TablesIn(directory.File(name + "-csv")).Length, Directory.GetFiles(directory.File(name + "-py"), "*.csv").Length);
            foreach (var table in TablesIn(directory.File(name + "-csv")))
            {
                var expected = File.ReadAllText(directory.File($"{name}-csv/{table}.csv"));
                var actual = File.ReadAllText(directory.File($"{name}-py/{table}.csv"));
                Assert.True(expected == actual, $"{name}/{table}.csv differs at character {FirstDifference(expected, actual)}");
            }
        }

        Assert.True(File.Exists(directory.File("probed-py/probes.csv")));
    }

    [PythonFact]
    public void The_python_reader_refuses_other_versions_and_brotli_and_damage_clearly()
    {
        using var directory = new TempDirectory();
        var reader = RepoPaths.Path("tools", "trace_reader.py");
        var trace = File.ReadAllBytes(RepoPaths.Path("traces", "golden", "three-neurons-tiny-barrier.trace"));
        var future = (byte[])trace.Clone();
        future[8] = (byte)(TraceFormat.MajorVersion + 1);
        (future[10], future[11]) = (0, 0); // minor version 0
        File.WriteAllBytes(directory.File("future.trace"), future);
        var (code, _, stderr) = Python.Run(reader, directory.File("future.trace"));
        Assert.Equal(2, code);
        Assert.Contains($"format version {TraceFormat.MajorVersion + 1}.0", stderr, StringComparison.Ordinal);
        Assert.Contains($"neuromorphic.trace/{TraceFormat.MajorVersion} only", stderr, StringComparison.Ordinal);

        var damaged = (byte[])trace.Clone();
        damaged[^100] ^= 0xFF;
        File.WriteAllBytes(directory.File("damaged.trace"), damaged);
        (code, _, stderr) = Python.Run(reader, directory.File("damaged.trace"));
        Assert.Equal(2, code);
        Assert.Contains("checksum mismatch", stderr, StringComparison.Ordinal);

        var brotli = Synthetic(directory, "brotli", "brotli.trace");
        (code, _, stderr) = Python.Run(reader, brotli);
        Assert.Equal(2, code);
        Assert.Contains("Brotli-compressed block", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Traceback", stderr, StringComparison.Ordinal);
    }

    private static int FirstDifference(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return n;
    }
}
