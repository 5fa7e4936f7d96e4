namespace Neuromorphic.Cli.Hosting;

/// <summary>The exit codes of every <c>neuro</c> command (README.md, "Commands").</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Failure at run time (including an interruption by Ctrl-C).</summary>
    public const int Failure = 1;

    /// <summary>Bad usage or invalid input.</summary>
    public const int BadInput = 2;
}
