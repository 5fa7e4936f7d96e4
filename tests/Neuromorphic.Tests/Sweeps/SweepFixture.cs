using Neuromorphic.Core.Networks;
using Neuromorphic.Sweeps;
using Neuromorphic.Sweeps.Execution;
using Neuromorphic.Sweeps.Planning;
using Neuromorphic.Sweeps.Spec;
using Neuromorphic.Sweeps.Store;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Sweeps;

/// <summary>Small sweeps for tests: a 784-16-10 EP network on the embedded images, specs written into a scratch folder.</summary>
internal static class SweepFixture
{
    /// <summary>Writes the network (with a float32 sidecar) as model.json in <paramref name="directory"/>.</summary>
    public static string WriteModel(string directory, ulong seed = 5)
    {
        var path = Path.Combine(directory, "model.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 16, 10], seed, weightScale: 3.0), path, inlineLimit: 64);
        return path;
    }

    /// <summary>A run sweep over chip-instance seeds (analog mismatch, so instances differ), <paramref name="seeds"/> grid points.</summary>
    public static string RunSpec(string directory, int seeds, int range, int steps = 40, int? split = null, string extraGrid = "")
    {
        WriteModel(directory);
        var path = Path.Combine(directory, $"spec-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""
            { "schema": "neuromorphic.sweep/1", "name": "test sweep", "kind": "run",
              "run": { "model": "model.json", "chip": "analog-mismatch", "dataset": "embedded", "range": {{range}}, "steps": {{steps}} },
              "grid": { "seed": { "from": 1, "count": {{seeds}} }{{extraGrid}} }{{(split is { } s ? $", \"split\": {s}" : "")}} }
            """);
        return path;
    }

    public static SweepPlan Plan(string specPath) => new SweepPlanner().Plan(SweepSpec.Load(specPath));

    /// <summary>Runs <paramref name="plan"/> in-process into <paramref name="directory"/>.</summary>
    public static Task<SweepOutcome> RunInProcessAsync(SweepPlan plan, string directory, int threads = 2, Shard? shard = null)
    {
        var store = new SweepDirectory(directory);
        return new SweepRunner().RunAsync(plan, store, new InProcessExecutor(threads, store.WorkDirectory), shard);
    }

    /// <summary>Every file under <paramref name="directory"/> by relative path (PNG plots left out: they are the CLI's, drawn after the run).</summary>
    public static SortedDictionary<string, byte[]> Files(string directory) =>
        new(Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".png", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(directory, f), File.ReadAllBytes), StringComparer.Ordinal);

    /// <summary>Asserts that two results folders hold the same files with the same bytes.</summary>
    public static void AssertSameResults(string expected, string actual)
    {
        var a = Files(expected);
        var b = Files(actual);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, bytes) in a)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(b[name]), $"{name} differs between {expected} and {actual}");
        }
    }
}
