using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Core;

public class NetworkFileTests
{
    private const string ThreeNeurons = """
    {
      "schema": "neuromorphic.network/1",
      "name": "three-neurons",
      // a comment, as people write
      "populations": [
        { "name": "in",  "size": 2, "model": "input" },
        { "name": "hid", "size": 1, "model": "cuba-lif",
          "params": { "tauCurrent": 1, "tauVoltage": 2, "threshold": 1.5, "bias": 0, "reset": "zero", "refractory": 0 },
          "placement": { "tile": [0, 0], "core": 0 } },
        { "name": "out", "size": 1, "model": "ep-rate", "params": { "dt": [0.42], "bias": [0.1] } },
      ],
      "projections": [
        { "from": "in",  "to": "hid", "weights": [[0.5, 1.0]] },
        { "from": "hid", "to": "out", "weights": [[2.0]] },
        { "from": "out", "to": "hid", "transposeOf": "hid->out" },
      ],
      "readout": { "population": "out", "method": "spike-count" },
      "training": { "note": "hand-written" }
    }
    """;

    private static NetworkSpec Parse(string json, string? dir = null) => NetworkFile.Parse(json, "net.json", dir ?? Path.GetTempPath());

    [Fact]
    public void Parses_the_design_example()
    {
        var net = Parse(ThreeNeurons);
        Assert.Equal("three-neurons", net.Name);
        Assert.Equal(4, net.NeuronCount);
        Assert.Equal(2 + 1 + 1, net.SynapseCount);
        var hid = net.GetPopulation("hid");
        Assert.Equal(2, hid.FirstNeuron);
        Assert.Equal(1.5, hid.CubaLif!.Threshold[0]);
        Assert.Equal(2, hid.CubaLif.TauVoltage![0]);
        Assert.Single(hid.Placement);
        Assert.Equal(0.42, net.GetPopulation("out").EpRate!.Dt[0]);
        var feedback = net.FindProjection("out->hid")!;
        Assert.Equal("hid->out", feedback.TransposeOf);
        Assert.Equal(2.0f, feedback.Weight(0, 0));
        Assert.Equal("hand-written", net.Training!["note"]!.GetValue<string>());
    }

    [Fact]
    public void Save_and_load_round_trip_with_sidecars_keeps_content_hash()
    {
        using var dir = new TempDirectory();
        var input = new Population("x", 30, NeuronModel.Input);
        var dts = Enumerable.Range(0, 20).Select(i => 0.05 + i * 0.04).ToArray();
        var hidden = new Population("h", 20, NeuronModel.EpRate, epRate: new EpRateParameters(PerNeuron.Of(dts), PerNeuron.Scalar(0.25), null));
        var weights = Enumerable.Range(0, 600).Select(i => MathF.Sin(i) * 0.3f).ToArray();
        var forward = new Projection("x->h", input, hidden, weights);
        var net = new NetworkSpec("rt", [input, hidden], [forward], new Readout("h"), new JsonObject { ["seed"] = 7 });

        var path = dir.File("model.json");
        NetworkFile.Save(net, path, inlineLimit: 100);
        var sidecar = Sidecars.Of(path, 0);
        Assert.Contains(Path.GetFileName(sidecar)["model.0.".Length..^".f32".Length], File.ReadAllText(path));
        var loaded = NetworkFile.Load(path);
        Assert.Equal(weights, loaded.Projections[0].Weights);
        Assert.Equal(dts, loaded.GetPopulation("h").EpRate!.Dt.Values.ToArray());
        Assert.Equal(net.ContentHash, loaded.ContentHash);

        NetworkFile.Save(loaded, dir.File("inline.json"), inlineLimit: 100_000);
        Assert.Equal(net.ContentHash, NetworkFile.Load(dir.File("inline.json")).ContentHash);
        Assert.Equal(7, NetworkFile.Load(dir.File("inline.json")).Training!["seed"]!.GetValue<int>());
    }

    [Fact]
    public void Content_hash_changes_with_a_weight()
    {
        var a = Parse(ThreeNeurons);
        var b = Parse(ThreeNeurons.Replace("[[0.5, 1.0]]", "[[0.5, 1.0000001]]"));
        Assert.NotEqual(a.ContentHash, b.ContentHash);
        Assert.Equal(a.ContentHash, Parse(ThreeNeurons.Replace("hand-written", "other")).ContentHash);
    }

    public static TheoryData<string, string, string> BadNetworks => new()
    {
        { "\"schema\": \"neuromorphic.network/1\"", "\"schema\": \"neuromorphic.network/2\"", "$.schema" },
        { "\"model\": \"input\"", "\"model\": \"izhikevich\"", "$.populations[0].model" },
        { "\"dt\": [0.42]", "\"dt\": [1.42]", "$.populations[2].params.dt[0]" },
        { "\"dt\": [0.42]", "\"dt\": [0.42, 0.1]", "$.populations[2].params.dt" },
        { "\"threshold\": 1.5", "\"threshold\": -1", "$.populations[1].params.threshold" },
        { "\"threshold\": 1.5", "\"treshold\": 1.5", "$.populations[1].params.treshold" },
        { "[[0.5, 1.0]]", "[[0.5]]", "$.projections[0].weights[0]" },
        { "\"to\": \"hid\", \"weights\"", "\"to\": \"nowhere\", \"weights\"", "$.projections[0].to" },
        { "\"transposeOf\": \"hid->out\"", "\"transposeOf\": \"in->hid\"", "$.projections[2].transposeOf" },
        { "\"population\": \"out\"", "\"population\": \"in\"", "$.readout.population" },
        { "\"reset\": \"zero\"", "\"reset\": \"hard\"", "$.populations[1].params.reset" },
    };

    [Theory]
    [MemberData(nameof(BadNetworks))]
    public void Bad_fields_are_reported_with_their_json_path(string find, string replace, string path)
    {
        Assert.Contains(find, ThreeNeurons);
        var ex = Assert.Throws<InvalidInputException>(() => Parse(ThreeNeurons.Replace(find, replace)));
        Assert.Equal(path, ex.Field);
        Assert.Equal("net.json", ex.File);
    }

    [Fact]
    public void Syntax_error_names_line()
    {
        var ex = Assert.Throws<InvalidInputException>(() => Parse("{\n \"schema\": \n}"));
        Assert.Contains("line", ex.Message);
    }

    [Fact]
    public void Sidecar_with_nan_or_wrong_size_is_rejected()
    {
        using var dir = new TempDirectory();
        const string json = """
        { "schema": "neuromorphic.network/1",
          "populations": [ { "name": "a", "size": 2, "model": "input" },
                           { "name": "b", "size": 2, "model": "cuba-lif", "params": { "threshold": 1 } } ],
          "projections": [ { "from": "a", "to": "b", "weights": { "file": "w.f32", "shape": [2, 2] } } ] }
        """;
        File.WriteAllBytes(dir.File("w.f32"), new byte[12]);
        var ex = Assert.Throws<InvalidInputException>(() => Parse(json, dir.Path));
        Assert.Contains("16 bytes", ex.Message);

        var values = new float[] { 1, float.NaN, 0, 0 };
        File.WriteAllBytes(dir.File("w.f32"), values.SelectMany(BitConverter.GetBytes).ToArray());
        ex = Assert.Throws<InvalidInputException>(() => Parse(json, dir.Path));
        Assert.Contains("finite", ex.Message);
        Assert.Equal("$.projections[0].weights.file", ex.Field);
    }

    private const string Mixed = """
        { "schema": "neuromorphic.network/1", "name": "mixed",
          "populations": [ { "name": "in", "size": 1, "model": "input" },
                           { "name": "h", "size": 3, "model": "cuba-lif",
                             "params": { "tauCurrent": [1, null, 4], "tauVoltage": [2, null, 8], "threshold": [1, 2, 3], "bias": [0.1, null, 0],
                                         "refractory": [null, 2, 0], "currentBias": [null, 0.5, 0], "vMin": [null, -1, null], "vMax": [null, 1.5, null] } } ],
          "projections": [ { "from": "in", "to": "h", "weights": [[1], [1], [1]] } ] }
        """;

    [Fact]
    public void Null_inside_a_per_neuron_array_means_what_the_null_scalar_means_for_that_neuron()
    {
        // The contract: null means no leak (τ), no clamp (vMin, vMax), none (bias, refractory, current bias).
        var net = Parse(Mixed);
        var c = net.GetPopulation("h").CubaLif!;
        var realized = Neuromorphic.Mapping.Realization.CompartmentRealizer.Realize(net);
        Assert.Equal([1.0, 0.0, 0.25], realized[1..].Select(x => x.DecayU));
        Assert.Equal([0.5, 0.0, 0.125], realized[1..].Select(x => x.DecayV));
        Assert.Equal([0.1, 0.0, 0.0], realized[1..].Select(x => x.Bias));
        Assert.Equal([0, 2, 0], realized[1..].Select(x => x.Refractory));
        Assert.Equal([0.0, 0.5, 0.0], realized[1..].Select(x => x.CurrentBias));
        Assert.Equal([double.NegativeInfinity, -1, double.NegativeInfinity], realized[1..].Select(x => x.VMin));
        Assert.Equal([double.PositiveInfinity, 1.5, double.PositiveInfinity], realized[1..].Select(x => x.VMax));
        Assert.True(double.IsPositiveInfinity(c.TauVoltage![1]));

        // Saved as written (null, not a number), and read back to the same network.
        using var dir = new TempDirectory();
        NetworkFile.Save(net, dir.File("mixed.json"));
        var text = File.ReadAllText(dir.File("mixed.json"));
        var saved = JsonNode.Parse(text)!["populations"]![1]!["params"]!;
        Assert.Null(saved["tauVoltage"]![1]);
        Assert.Null(saved["vMax"]![0]);
        Assert.Equal(net.ContentHash, NetworkFile.Load(dir.File("mixed.json")).ContentHash);

        // An array that is null throughout is the null scalar (same network, same hash).
        var allNull = Parse(Mixed.Replace("\"tauVoltage\": [2, null, 8]", "\"tauVoltage\": [null, null, null]"));
        var scalarNull = Parse(Mixed.Replace("\"tauVoltage\": [2, null, 8]", "\"tauVoltage\": null"));
        Assert.Null(allNull.GetPopulation("h").CubaLif!.TauVoltage);
        Assert.Equal(scalarNull.ContentHash, allNull.ContentHash);

        // Where the scalar does not accept null (a threshold), neither does the array.
        var ex = Assert.Throws<InvalidInputException>(() => Parse(Mixed.Replace("\"threshold\": [1, 2, 3]", "\"threshold\": [1, null, 3]")));
        Assert.Equal("$.populations[1].params.threshold[1]", ex.Field);
        Assert.Contains("expected a number", ex.Message);
    }

    [Fact]
    public void A_network_with_some_leaky_and_some_non_leaky_neurons_maps_and_runs()
    {
        // h.1 has neither leak, so its charge from one input spike is held; h.0 forgets it (τ_u = τ_v = 1 would; here τ_v = 2 halves it).
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("mixed.json"), Mixed);
        File.WriteAllText(dir.File("in.csv"), "1,0\n");
        var run = CliRunner.Run("run", "--model", dir.File("mixed.json"), "--chip", "tiny", "--input", dir.File("in.csv"), "--steps", "5", "--json", "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());
    }
}
