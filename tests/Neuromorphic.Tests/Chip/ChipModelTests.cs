using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Chip;

public class ChipModelTests
{
    public static TheoryData<string> ShippedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.Path("chip-models"), "*.json").Order())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void Every_shipped_chip_model_validates_with_provenance(string file)
    {
        var spec = ChipLoader.Load(RepoPaths.Path("chip-models", file));
        Assert.False(string.IsNullOrWhiteSpace(spec.Provenance));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), spec.Name);
        var builtin = ChipLoader.Load(spec.Name);
        Assert.Equal(spec.ContentHash, builtin.ContentHash);

        // One static-power policy: every shipped chip states its static power and how it is known.
        Assert.Contains("staticPowerBasis", File.ReadAllText(RepoPaths.Path("chip-models", file)) + ResolvedBaseText(spec));
        Assert.True(spec.StaticPowerMw > 0 || spec.StaticPowerBasis == StaticPowerBasis.None);
    }

    private static string ResolvedBaseText(ChipSpec spec) => spec.ResolvedJson;

    [Theory]
    [InlineData("\"staticPowerBasis\": \"assumed\",", "\"staticPowerBasis\": \"guessed\",", "measured, derived, assumed or none")]
    [InlineData("\"staticPowerBasis\": \"assumed\",", "\"staticPowerBasis\": \"none\",", "not 0")]
    public void A_static_power_basis_must_be_known_and_agree_with_the_power(string find, string replace, string expected)
    {
        using var dir = new TempDirectory();
        var text = File.ReadAllText(RepoPaths.Path("chip-models", Tiny));
        Assert.Contains(find, text);
        File.WriteAllText(dir.File("bad.json"), text.Replace(find, replace));
        CliRunner.AssertBadInput(CliRunner.Run("chip", "validate", dir.File("bad.json")), "$.staticPowerBasis", expected);
    }

    [Fact]
    public void Without_a_basis_static_power_is_assumed_or_none()
    {
        using var dir = new TempDirectory();
        var text = File.ReadAllText(RepoPaths.Path("chip-models", Tiny)).Replace("\"staticPowerBasis\": \"assumed\",", "");
        File.WriteAllText(dir.File("a.json"), text);
        Assert.Equal(StaticPowerBasis.Assumed, ChipLoader.Load(dir.File("a.json")).StaticPowerBasis);
        File.WriteAllText(dir.File("b.json"), text.Replace("\"staticPowerMw\": 1,", "\"staticPowerMw\": 0,"));
        Assert.Equal(StaticPowerBasis.None, ChipLoader.Load(dir.File("b.json")).StaticPowerBasis);
    }

    [Fact]
    public void Chip_validate_command_accepts_all_shipped_files()
    {
        var files = Directory.GetFiles(RepoPaths.Path("chip-models"), "*.json");
        var result = CliRunner.Run(["chip", "validate", .. files]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void Overlay_merges_objects_and_replaces_tables()
    {
        var calibrated = ChipLoader.Load("loihi1-calibrated");
        Assert.Equal(1024, calibrated.Core.Limits.Neurons);          // inherited from loihi1
        Assert.Equal(35.5, calibrated.Core.SynapticOp.EnergyPj);      // overridden
        Assert.Equal(3.0, calibrated.Noc.HopEast.EnergyPj);           // inherited inside an overridden object
        Assert.Equal(4.2, calibrated.Noc.HopNorth.EnergyPj);
        Assert.Equal(4, calibrated.Sync.BarrierLatency.Count);        // arrays replace, not merge
        Assert.Equal(1400, calibrated.Sync.LatencyNsFor(4));
        Assert.Equal(1400, calibrated.Sync.LatencyNsFor(28));          // SANA-FE: largest key ≤ tiles
        Assert.Equal(1800, calibrated.Sync.LatencyNsFor(32));
        var loihi2 = ChipLoader.Load("loihi2-like");
        Assert.Equal(8192, loihi2.Core.Limits.Neurons);
        Assert.Equal(0, loihi2.Core.Limits.CompartmentPrototypes);
        Assert.True(loihi2.Core.GradedSpikes);
    }

    [Fact]
    public void Davies_barrier_table_interpolates_between_1_and_32_tiles()
    {
        var sync = ChipLoader.Load("loihi1").Sync;
        Assert.Equal(113, sync.LatencyNsFor(1));
        Assert.Equal(465, sync.LatencyNsFor(32));
        Assert.Equal(113 + (465 - 113) * 15 / 31.0, sync.LatencyNsFor(16), 9);
    }

    private const string Tiny = "tiny.json";

    public static TheoryData<string, string, string> BadChips => new()
    {
        // find, replace, expected JSON path in the message
        { "\"provenance\": \"Synthetic round numbers for tests (not a real chip).\",", "", "$.provenance" },
        { "\"synapticOp\":     { \"energyPj\": 2.0,", "\"synapticOp\":     { \"energyPj\": -2.0,", "$.core.synapticOp.energyPj" },
        { "\"messageOut\":     { \"energyPj\": 6.0,", "\"messageOut\":     { \"energyNj\": 6.0,", "$.core.messageOut.energyNj" },
        { "\"staticPowerMw\": 1,", "\"staticPowerW\": 1,", "$.staticPowerW" },
        { "\"neurons\": 8,", "\"neurons\": 0,", "$.core.limits.neurons" },
        { "\"kernel\": \"loihi-fixed\",", "\"kernel\": \"quantum\",", "$.core.kernel" },
        { "\"width\": 2,", "", "$.mesh.width" },
    };

    [Theory]
    [MemberData(nameof(BadChips))]
    public void Bad_chip_files_give_exit_2_with_the_json_path(string find, string replace, string path)
    {
        using var dir = new TempDirectory();
        var text = File.ReadAllText(RepoPaths.Path("chip-models", Tiny));
        Assert.Contains(find, text);
        var file = dir.File("bad.json");
        File.WriteAllText(file, text.Replace(find, replace));
        CliRunner.AssertBadInput(CliRunner.Run("chip", "validate", file), "bad.json", path);
        Assert.Throws<InvalidInputException>(() => ChipLoader.Load(file));
    }

    [Fact]
    public void Extends_cycle_and_missing_base_are_reported()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.json"), """{ "schema": "neuromorphic.chip/1", "extends": "b.json", "name": "a" }""");
        File.WriteAllText(dir.File("b.json"), """{ "schema": "neuromorphic.chip/1", "extends": "a.json", "name": "b" }""");
        CliRunner.AssertBadInput(CliRunner.Run("chip", "validate", dir.File("a.json")), "$.extends", "cycle");

        File.WriteAllText(dir.File("c.json"), """{ "schema": "neuromorphic.chip/1", "extends": "missing.json", "name": "c" }""");
        CliRunner.AssertBadInput(CliRunner.Run("chip", "validate", dir.File("c.json")), "c.json", "$.extends", "missing.json");
    }

    [Fact]
    public void Overlay_in_another_folder_can_extend_a_builtin_by_name()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("noisy.json"), """
            { "schema": "neuromorphic.chip/1", "extends": "loihi1.json", "name": "noisy",
              "variability": { "threshold": { "distribution": "normal", "relativeSigma": 0.05 } } }
            """);
        var spec = ChipLoader.Load(dir.File("noisy.json"));
        Assert.Equal("noisy", spec.Name);
        Assert.Equal(0.05, spec.Variability.Threshold.RelativeSigma);
        Assert.Equal(23.6, spec.Core.SynapticOp.EnergyPj);
    }

    [Fact]
    public void Unknown_builtin_name_lists_the_choices()
    {
        var ex = Assert.Throws<InvalidInputException>(() => ChipLoader.Load("loihi9"));
        Assert.Contains("loihi1-calibrated", ex.Message);
    }

    [Fact]
    public void Chip_show_json_carries_the_content_hash()
    {
        var result = CliRunner.Run("chip", "show", "tiny", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(ChipLoader.Load("tiny").ContentHash, result.Stdout);
    }
}
