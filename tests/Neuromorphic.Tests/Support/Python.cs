using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Neuromorphic.Tests.Support;

/// <summary>
/// Debian's python3 (standard library only), for the tests of tools/ scripts. Found on PATH; tests
/// that need it use <see cref="PythonFactAttribute"/> and are skipped, with the reason in their
/// displayed name, when it is absent.
/// </summary>
public static class Python
{
    private static readonly Lazy<string?> s_executable = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "python3"))
            .FirstOrDefault(System.IO.File.Exists));

    public static string? Executable => s_executable.Value;

    public const string SkipReason = "python3 not found on PATH (install Debian's python3 to test the tools/ readers)";

    /// <summary>Runs python3 with <paramref name="arguments"/>; returns the exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException(SkipReason))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A fact that needs python3; skipped with the reason in its displayed name when it is absent.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute([CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        if (Python.Executable is null)
        {
            Skip = Python.SkipReason;
            DisplayName = $"{System.IO.Path.GetFileNameWithoutExtension(file)}.{test} [skipped: {Python.SkipReason}]";
        }
    }
}
