using System.Diagnostics;
using System.Text.RegularExpressions;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Cli;

/// <summary>
/// Every <c>neuro</c> command in the README's <c>sh</c> blocks runs as written, in order, in a
/// scratch folder, with the reductions the README documents for the long ones.
/// </summary>
public partial class ReadmeCommandsTests
{
    [Fact]
    public void Every_walkthrough_command_in_the_readme_runs()
    {
        var commands = Commands(File.ReadAllText(RepoPaths.Path("README.md")));
        Assert.True(commands.Count >= 15, $"found only {commands.Count} commands in the README's sh blocks");
        using var dir = new TempDirectory();
        foreach (var command in commands)
        {
            var args = Reduce(Tokens(command));
            var (code, stdout, stderr) = Neuro(dir.Path, args);
            Assert.True(code == 0, $"`{command}` (run as `neuro {string.Join(' ', args)}`) exited {code}:\n{stdout}\n{stderr}");
        }
    }

    /// <summary>Lines starting with "neuro " inside ```sh fences.</summary>
    internal static List<string> Commands(string markdown)
    {
        var result = new List<string>();
        var inSh = false;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inSh = !inSh && line == "```sh";
                continue;
            }

            if (inSh && line.StartsWith("neuro ", StringComparison.Ordinal))
            {
                result.Add(line);
            }
        }

        return result;
    }

    /// <summary>Words as a POSIX shell splits them: spaces separate, single quotes protect (no quotes inside words in the README).</summary>
    private static List<string> Tokens(string command) =>
        System.Text.RegularExpressions.Regex.Matches(command, @"'([^']*)'|(\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            .Skip(1).Select(Absolute).ToList();

    /// <summary>Paths into the repository become absolute, so the scratch folder can be the working directory.</summary>
    private static string Absolute(string token) =>
        token.StartsWith("traces/", StringComparison.Ordinal) || token.StartsWith("chip-models/", StringComparison.Ordinal)
            ? Path.GetFullPath(Path.Combine(RepoPaths.Root, token))
            : token;

    /// <summary>The documented reductions for CI.</summary>
    private static List<string> Reduce(List<string> args)
    {
        void Set(string option, string value)
        {
            var i = args.IndexOf(option);
            if (i >= 0)
            {
                args[i + 1] = value;
            }
            else
            {
                args.AddRange([option, value]);
            }
        }

        switch (args[0])
        {
            case "train" when args.Contains("--on-chip"):
                Set("--train-limit", "40");
                Set("--test-limit", "20");
                Set("--epochs", "1");
                break;
            case "train":
                Set("--train-limit", "600");
                Set("--test-limit", "200");
                Set("--epochs", "1");
                break;
            case "experiment":
                Set("--train-limit", "300");
                Set("--test-limit", "100");
                Set("--epochs", "1");
                Set("--seeds", "2");
                break;
            case "eval":
                Set("--test-limit", "200");
                break;
            case "run" when args.IndexOf("--samples") is var i && i >= 0 && int.Parse(args[i + 1]) > 10:
                args[i + 1] = "10";
                break;
        }

        return args;
    }

    private static (int Code, string Stdout, string Stderr) Neuro(string workingDirectory, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "neuro.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--quiet");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void No_readme_command_needs_a_file_outside_the_repository()
    {
        foreach (var readme in Directory.EnumerateFiles(RepoPaths.Root, "README.md", SearchOption.AllDirectories)
                     .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
        {
            foreach (var command in Commands(File.ReadAllText(readme)))
            {
                Assert.DoesNotContain("../", command);
                Assert.DoesNotContain("/work/", command);
            }
        }
    }

    [Fact]
    public void Quick_start_has_exactly_the_demo_and_the_test_command_and_ci_runs_the_latter()
    {
        var readme = File.ReadAllText(RepoPaths.Path("README.md"));
        var quickStart = QuickStartBlock().Match(readme);
        Assert.True(quickStart.Success, "no ```bash block under ## Quick start");
        var lines = quickStart.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("dotnet run --project src/Neuromorphic.Cli -c Release -- demo", lines[0]);
        var testCommand = lines[1].Split('#')[0].Trim();
        Assert.Contains(testCommand, File.ReadAllText(RepoPaths.Path(".ci", "run")));
    }

    [GeneratedRegex(@"## Quick start.*?```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex QuickStartBlock();
}
