using Neuromorphic.Cli.Hosting;

namespace Neuromorphic.Tests.Support;

/// <summary>Runs <c>neuro</c> in-process and captures its exit code, stdout and stderr.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
    }

    public static Result Run(params string[] args) => RunAsync(args).GetAwaiter().GetResult();

    public static async Task<Result> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await NeuroApp.RunAsync(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Asserts a clean bad-input failure: exit 2, the expected words in stderr, no stack trace.</summary>
    public static void AssertBadInput(Result result, params string[] expectedInMessage)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        foreach (var expected in expectedInMessage)
        {
            Assert.Contains(expected, result.Stderr, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }
}
