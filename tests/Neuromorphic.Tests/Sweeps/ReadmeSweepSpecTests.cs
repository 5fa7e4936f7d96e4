using System.Text.RegularExpressions;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Sweeps;

/// <summary>The sweep specs the README shows are valid and expand to the jobs it says.</summary>
public sealed partial class ReadmeSweepSpecTests
{
    [Fact]
    public void The_readme_sweep_specs_plan()
    {
        var specs = JsonBlocks().Matches(File.ReadAllText(RepoPaths.Path("README.md"))).Select(m => m.Groups[1].Value)
            .Where(b => b.Contains("neuromorphic.sweep/1", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, specs.Count);
        using var temp = new TempDirectory();
        SweepFixture.WriteModel(temp.Path);
        var counts = specs.Select(spec =>
        {
            var path = temp.File($"spec-{Guid.NewGuid():N}.json");
            File.WriteAllText(path, spec);
            var plan = SweepFixture.Plan(path);
            return (plan.TrainJobs.Count(), plan.RunJobs.Count());
        }).ToList();
        Assert.Equal((0, 800), counts[0]);             // 100 instances × 2 modes × 4 parts
        Assert.Equal((120, 1200), counts[1]);          // 2 τ × 3 lr × 2 T1 × 10 seeds, each on 10 instances
    }

    [GeneratedRegex("```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlocks();
}
