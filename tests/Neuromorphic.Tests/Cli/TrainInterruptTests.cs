using System.Diagnostics;
using Neuromorphic.Learning.Models;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Cli;

/// <summary>A real Ctrl-C (SIGINT) on a running <c>neuro train</c> process: exit 1, a valid checkpoint, and --resume continues.</summary>
public sealed class TrainInterruptTests
{
    [Fact]
    public async Task Sigint_stops_training_with_exit_1_and_a_checkpoint_that_resumes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var temp = new TempDirectory();
        var model = temp.File("m.json");
        string[] args = ["train", "--dataset", "embedded", "--layers", "784,48,10", "--free-steps", "30", "--nudged-steps", "10", "--threads", "1", "--out", model];
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "neuro.dll"));
        foreach (var arg in args.Append("--epochs").Append("1000"))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var checkpoint = temp.File("m.ckpt");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            await Task.Delay(50);
        }

        Assert.True(File.Exists(checkpoint), "no checkpoint within 60 s");
        Process.Start("kill", ["-INT", process.Id.ToString()])!.WaitForExit();
        Assert.True(process.WaitForExit(30_000), "neuro train did not stop within 30 s of SIGINT");
        Assert.True(process.ExitCode == 1, $"exit {process.ExitCode}\n{await stderr}");
        Assert.Contains("--resume", await stderr);

        var completed = EpModel.Load(model).Training!["epochsCompleted"]!.GetValue<int>();
        Assert.InRange(completed, 1, 999);
        var resumed = CliRunner.Run([.. args, "--epochs", (completed + 1).ToString(), "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(completed + 1, EpModel.Load(model).Training!["epochsCompleted"]!.GetValue<int>());
    }
}
