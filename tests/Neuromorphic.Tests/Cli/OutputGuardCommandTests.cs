using System.Diagnostics;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Cli;

/// <summary>
/// The bad-input corpus, part 1 (issue 14): no command that writes may destroy one of its inputs
/// or their sidecars, replace a directory, device, FIFO or symbolic link, or write where it cannot —
/// each is refused with exit 2 naming the flag, before any work, and nothing is left behind.
/// </summary>
public sealed class OutputGuardCommandTests
{
    /// <summary>A small HTS-EP network file (784-16-10: its first projection goes to a sidecar) and its files.</summary>
    private static (string Model, string Sidecar) Model(TempDirectory temp, string name = "m.json")
    {
        var path = temp.File(name);
        NetworkFile.Save(TestNetworks.EpLayered([784, 16, 10]), path);
        return (path, Sidecars.Of(path, 0));
    }

    private static Dictionary<string, byte[]> Snapshot(params string[] files) => files.ToDictionary(f => f, File.ReadAllBytes);

    private static void AssertUnchanged(Dictionary<string, byte[]> snapshot)
    {
        foreach (var (file, bytes) in snapshot)
        {
            Assert.True(File.Exists(file), $"{file} was removed");
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{file} was changed");
        }
    }

    private static void AssertNoTemporaries(TempDirectory temp) =>
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));

    [Fact]
    public void Every_writing_command_refuses_an_output_that_is_one_of_its_inputs()
    {
        using var temp = new TempDirectory();
        var (model, sidecar) = Model(temp);
        Assert.Equal(0, CliRunner.Run("map", "--model", model, "--chip", "loihi1", "--out", temp.File("map.json"), "-q").ExitCode);
        Assert.Equal(0, CliRunner.Run("export", "nir", "--model", model, "--out", temp.File("m.nir"), "-q").ExitCode);
        Assert.Equal(0, CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "1", "--trace", temp.File("t.trace"), "-q").ExitCode);
        File.Copy(temp.File("t.trace"), temp.File("spikes.csv"));
        File.Copy(temp.File("t.trace"), temp.File("raster.png"));
        var chip = temp.File("chip.json");
        File.WriteAllText(chip, """{ "extends": "loihi1", "name": "mine" }""");
        var sweep = Directory.CreateDirectory(temp.File("sweep")).FullName;
        var spec = Path.Combine(sweep, "sweep.json");
        File.WriteAllText(spec, """
            { "schema": "neuromorphic.sweep/1", "name": "kept", "kind": "run",
              "run": { "model": "../m.json", "chip": "tiny", "dataset": "embedded", "range": 1, "steps": 4 },
              "grid": { "seed": { "from": 1, "count": 1 } } }
            """);
        var files = Snapshot(model, sidecar, temp.File("map.json"), temp.File("m.nir"), temp.File("t.trace"), chip, spec);
        string[] run = ["run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "1"];

        var cases = new (string[] Args, string Flag, string Input)[]
        {
            (["map", "--model", model, "--chip", "loihi1", "--out", model], "--out", "--model"),
            (["map", "--model", model, "--chip", "loihi1", "--out", sidecar], "--out", "weight sidecar"),
            (["map", "--model", model, "--chip", chip, "--out", chip], "--out", "--chip"),
            ([.. run, "--trace", model], "--trace", "--model"),
            ([.. run, "--trace", sidecar], "--trace", "weight sidecar"),
            (["run", "--model", model, "--chip", "loihi1", "--mapping", temp.File("map.json"), "--dataset", "embedded", "--samples", "1", "--trace", temp.File("map.json")], "--trace", "--mapping"),
            (["export", "nir", "--model", model, "--out", sidecar], "--out", "weight sidecar"),
            (["export", "nir", "--model", model, "--out", model], "--out", "--model"),
            (["import", "nir", temp.File("m.nir"), "--out", temp.File("m.nir")], "--out", "NIR file"),
            (["trace", "export", temp.File("spikes.csv"), "--out", temp.Path], "--out", "the trace"),
            (["trace", "plot", temp.File("raster.png"), "--out", temp.Path], "--out", "the trace"),
            ([.. run, "--confusion", model], "--confusion", "--model"),
            (["eval", "--model", model, "--dataset", "embedded", "--test-limit", "1", "--confusion", sidecar], "--confusion", "weight sidecar"),
            (["sweep", spec, "--out", sweep], "--out", "the sweep spec"),
            (["map", "--model", model, "--chip", "loihi1", "--out", temp.File("o.json"), "--log-file", model], "--log-file", "m.json"),
            (["map", "--model", model, "--chip", "loihi1", "--out", temp.File("o.json"), "--log-file", sidecar], "--log-file", Path.GetFileName(sidecar)),
        };
        foreach (var (args, flag, input) in cases)
        {
            var result = CliRunner.Run(args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)}\n{result}");
            Assert.Contains(flag, result.Stderr, StringComparison.Ordinal);
            Assert.Contains(input, result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
            AssertUnchanged(files);
        }

        // The same file reached another way is still the same file: through "..", and through a hard link.
        var sub = Directory.CreateDirectory(temp.File("sub")).FullName;
        CliRunner.AssertBadInput(CliRunner.Run("map", "--model", model, "--chip", "loihi1", "--out", Path.Combine(sub, "..", "m.json")), "--out", "--model");
        if (OperatingSystem.IsLinux())
        {
            Process.Start("ln", [model, temp.File("hard.json")])!.WaitForExit();
            CliRunner.AssertBadInput(CliRunner.Run("map", "--model", model, "--chip", "loihi1", "--out", temp.File("hard.json")), "--out", "--model");
        }

        AssertUnchanged(files);
        AssertNoTemporaries(temp);
        Assert.False(File.Exists(temp.File("o.json")));
    }

    [Fact]
    public void Outputs_of_one_command_may_not_collide()
    {
        using var temp = new TempDirectory();
        foreach (var (name, what) in new[] { ("m.ckpt", "checkpoint"), ("m.png", "plot") })
        {
            var result = CliRunner.Run("train", "--dataset", "embedded", "--layers", "784,16,10", "--epochs", "1", "--train-limit", "64", "--out", temp.File(name));
            CliRunner.AssertBadInput(result, "--out", what);
            Assert.DoesNotContain("Epoch 1", result.Stderr, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Special_files_are_never_replaced_and_symbolic_links_are_written_through()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var temp = new TempDirectory();
        var model = TestNetworkFile(temp);
        string[] map = ["map", "--model", model, "--chip", "tiny"];
        var fifo = temp.File("fifo");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        var targets = new List<string> { fifo };
        if (Environment.UserName == "root")
        {
            // A character device like /dev/full (major 1, minor 7), created in the temporary folder: /dev is never touched.
            Process.Start("mknod", [temp.File("full"), "c", "1", "7"])!.WaitForExit();
            targets.Add(temp.File("full"));
        }

        File.CreateSymbolicLink(temp.File("to-fifo"), fifo);
        targets.Add(temp.File("to-fifo"));
        foreach (var target in targets)
        {
            CliRunner.AssertBadInput(CliRunner.Run([.. map, "--out", target]), "--out", "device, FIFO or socket");
            CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "tiny", "--input", temp.File("in.csv"), "--steps", "12", "--trace", target),
                "--trace", "device, FIFO or socket");
            Assert.Equal(EntryKind.Special, FileSystemEntry.KindOf(FileSystemEntry.ResolveLinks(target)));
        }

        Assert.Equal(EntryKind.SymbolicLink, FileSystemEntry.KindOf(temp.File("to-fifo")));

        // A link to a regular file: the target is replaced, the link stays. A dangling link: its target is created.
        File.WriteAllText(temp.File("target.json"), "{}");
        File.CreateSymbolicLink(temp.File("link.json"), "target.json");
        File.CreateSymbolicLink(temp.File("dangling.json"), "new.json");
        foreach (var link in new[] { "link.json", "dangling.json" })
        {
            Assert.Equal(0, CliRunner.Run([.. map, "--out", temp.File(link), "-q"]).ExitCode);
            Assert.Equal(EntryKind.SymbolicLink, FileSystemEntry.KindOf(temp.File(link)));
            Assert.Contains("neuromorphic.mapping/1", File.ReadAllText(temp.File(link)), StringComparison.Ordinal);
        }

        Assert.Contains("neuromorphic.mapping/1", File.ReadAllText(temp.File("new.json")), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.tmp"));
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.partial"));
    }

    [Fact]
    public void Unusable_output_paths_are_refused_naming_the_flag_before_any_work()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempDirectory();
        var model = TestNetworkFile(temp);
        string[] map = ["map", "--model", model, "--chip", "tiny"];
        File.WriteAllText(temp.File("ro.json"), "keep");
        File.SetUnixFileMode(temp.File("ro.json"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Directory.CreateDirectory(temp.File("rodir"));
        File.SetUnixFileMode(temp.File("rodir"), UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        Directory.CreateDirectory(temp.File("dir"));
        File.WriteAllText(temp.File("afile"), "x");
        try
        {
            CliRunner.AssertBadInput(CliRunner.Run([.. map, "--out", temp.File("ro.json")]), "--out", "read-only", "0444");
            CliRunner.AssertBadInput(CliRunner.Run([.. map, "--out", temp.File("rodir/o.json")]), "--out", "read-only", "0550");
            CliRunner.AssertBadInput(CliRunner.Run([.. map, "--out", temp.File("dir")]), "--out", "is a directory");
            CliRunner.AssertBadInput(CliRunner.Run([.. map, "--out", temp.File("dir") + "/"]), "--out", "not a directory");
            CliRunner.AssertBadInput(CliRunner.Run([.. map, "--out", ""]), "--out", "empty");
            CliRunner.AssertBadInput(CliRunner.Run([.. map, "--out", temp.File("afile/o.json")]), "--out", "afile is a file");
            CliRunner.AssertBadInput(CliRunner.Run("trace", "export", temp.File("none.trace"), "--out", temp.File("afile")), "--out", "is a file");
            CliRunner.AssertBadInput(CliRunner.Run("sweep", "merge", temp.File("dir"), "--out", temp.File("rodir")), "--out", "read-only", "0550");
            CliRunner.AssertBadInput(CliRunner.Run("eval", "--model", model, "--dataset", "embedded", "--confusion", temp.File("dir")), "--confusion", "is a directory");
            CliRunner.AssertBadInput(CliRunner.Run("map", "--model", model, "--chip", "tiny", "--out", temp.File("o.json"), "--log-file", temp.File("dir")), "--log-file", "directory");
            Assert.Equal("keep", File.ReadAllText(temp.File("ro.json")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(temp.File("rodir")));

            // train checks its outputs before the first epoch.
            var train = CliRunner.Run("train", "--dataset", "embedded", "--layers", "784,16,10", "--epochs", "2", "--train-limit", "64", "--out", temp.File("afile/m.json"));
            CliRunner.AssertBadInput(train, "--out", "afile is a file");
            Assert.DoesNotContain("epoch 1", train.Stderr, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.SetUnixFileMode(temp.File("rodir"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Stale_temporaries_of_a_killed_writer_are_removed_and_live_ones_kept()
    {
        using var temp = new TempDirectory();
        var model = TestNetworkFile(temp);
        // pid 4194304 is above Linux's largest pid: no process has it. pid 1 is always running.
        var stale = temp.File($".o.json.4194304.{Guid.NewGuid():N}.tmp");
        var live = temp.File($".o.json.1.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "half");
        File.WriteAllText(live, "in progress");
        Assert.Equal(0, CliRunner.Run("map", "--model", model, "--chip", "tiny", "--out", temp.File("o.json"), "-q").ExitCode);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live) || !OperatingSystem.IsLinux());
    }

    /// <summary>The three-neuron network of the golden traces, with its input events, in <paramref name="temp"/>.</summary>
    internal static string TestNetworkFile(TempDirectory temp)
    {
        File.Copy(RepoPaths.Path("traces", "golden", "three-neurons.json"), temp.File("three.json"));
        File.Copy(RepoPaths.Path("traces", "golden", "three-neurons-input.csv"), temp.File("in.csv"));
        return temp.File("three.json");
    }
}
