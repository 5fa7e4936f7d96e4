using System.Text.Json;
using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Random;
using Neuromorphic.Learning.Models;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Kernels;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Simulation;

/// <summary>Graded spikes and the sigma-delta EP realization (src/Neuromorphic.Simulation/README.md, "Sigma-delta realization").</summary>
public class SigmaDeltaTests
{
    /// <summary>in → hid → out, one EP neuron each with dt = 1 and no bias, pinned to tiles (0,0), (1,0), (1,1) of tiny.</summary>
    private const string ThreeNeurons = """
        { "schema": "neuromorphic.network/1", "name": "three-ep",
          "populations": [
            { "name": "in",  "size": 1, "model": "input", "placement": { "tile": [0, 0], "core": 0 } },
            { "name": "hid", "size": 1, "model": "ep-rate", "params": { "dt": 1, "bias": 0 }, "placement": { "tile": [1, 0], "core": 0 } },
            { "name": "out", "size": 1, "model": "ep-rate", "params": { "dt": 1, "bias": 0 }, "placement": { "tile": [1, 1], "core": 0 } } ],
          "projections": [
            { "from": "in", "to": "hid", "weights": [[0.5]] },
            { "from": "hid", "to": "out", "weights": [[1.0]] } ],
          "readout": { "population": "out" } }
        """;

    /// <summary>tiny with 8-bit graded spikes whose synaptic op (12 pJ, 4 ns), message in (11 pJ) and out (16 pJ) differ from the binary ones.</summary>
    private static ChipSpec TinyGraded() => ChipLoader.FromJson(ChipLoader.BuiltinText("tiny").Replace("\"gradedSpikes\": false,",
        """
        "gradedSpikes": true, "messagePayloadBits": 8,
        "gradedSynapticOp": { "energyPj": 12.0, "latencyNs": 4.0 },
        "gradedMessageIn": { "energyPj": 11.0, "latencyNs": 1.0 },
        "gradedMessageOut": { "energyPj": 16.0, "latencyNs": 6.0 },
        """, StringComparison.Ordinal), "tiny-graded");

    private static RunSummary Run(ChipInstance chip, IReadOnlyList<InferenceInput> inputs, RunOptions options, Func<int, ISimulationObserver?>? observers = null) =>
        new Simulator().RunAsync(chip, inputs.Count, i => inputs[i], options, observers).GetAwaiter().GetResult();

    private static InferenceInput Image(byte[] pixels) => InferenceInput.FromImage(pixels, 0, InputEncoding.SigmaDelta, 1, 0);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Graded_spikes_on_a_tiny_chip_cost_exactly_what_hand_arithmetic_says(bool ideal)
    {
        var network = NetworkFile.Parse(ThreeNeurons, "three-ep.json", ".");
        var chip = ChipInstance.Create(new Mapper().Map(network, TinyGraded(), "test"), 1, ideal, gradedMessages: true);
        var options = new RunOptions { Steps = 4, Realization = NeuronRealization.SigmaDelta, DeltaThreshold = 1.0 / 128 };
        var result = Run(chip, [Image([51])], options).Inferences[0];

        // 8-bit payloads: 7 fraction bits, full scale 128. Pixel 51 is round(51·128/255) = 26.
        // Step 1: the input sends 26 east (0,0)→(1,0). Step 2: hid's σ = 0.5·26, u = σ/128, output 13 → sends 13 north.
        // Step 3: out's output 1.0·13/128 → 13, sent (out has no targets: no message). Step 4: nothing changes, nothing is sent.
        Assert.Equal(new[] { 13 }, result.OutputCounts);
        Assert.Equal(1, result.Totals.InputSpikes);
        Assert.Equal(2, result.Totals.NeuronsFired);
        Assert.Equal(8, result.Totals.NeuronsAccessed);      // 2 compartments × 4 steps
        Assert.Equal(5, result.Totals.NeuronsUpdated);       // hid at steps 2–4 (σ ≠ 0), out at steps 3–4
        Assert.Equal(2, result.Totals.MessagesOut);
        Assert.Equal(2, result.Totals.SynapticOps);
        Assert.Equal((1, 0, 1, 0), (result.Totals.HopsEast, result.Totals.HopsWest, result.Totals.HopsNorth, result.Totals.HopsSouth));

        // Graded costs (pJ): synaptic op 12, message in 11, out 16; binary tiny: access 3, update 4, spike out 5, east hop 7, north 9.
        Assert.Equal(2 * 12_000, result.Energy.SynapseFj);
        Assert.Equal(8 * 3_000 + 5 * 4_000 + 2 * 5_000, result.Energy.NeuronFj);
        Assert.Equal(2 * 16_000 + 2 * 11_000 + 7_000 + 9_000, result.Energy.NetworkFj);
        Assert.Equal(148_000, result.Energy.DynamicFj);

        // Latency (ns), barrier 100 ns:
        //   step 1: input message 6 out + 7 east + 1 in + 4 graded synapse = 18 (hid's access 3) → 118
        //   step 2: hid 3 + 4 + 5 = 12, sent at 18, + 9 north = 27, + 1 in + 4 synapse = 32 → 132
        //   step 3: out 3 + 4 + 5 = 12 (hid 3 + 4) → 112;  step 4: 3 + 4 on each core → 107.   Total 469 ns.
        Assert.Equal(469_000, result.Latency.Picoseconds);
        Assert.Equal(469_000, result.Energy.StaticFj);     // 1 mW × 469 ns
    }

    [Fact]
    public void Early_exit_stops_at_the_first_quiet_step()
    {
        var network = NetworkFile.Parse(ThreeNeurons, "three-ep.json", ".");
        var chip = ChipInstance.Create(new Mapper().Map(network, TinyGraded(), "test"), 1, false, gradedMessages: true);
        var options = new RunOptions { Steps = 50, Realization = NeuronRealization.SigmaDelta, DeltaThreshold = 1.0 / 128, EarlyExit = true };
        var result = Run(chip, [Image([51])], options).Inferences[0];
        Assert.Equal(4, result.Steps);                       // steps 1–3 send, step 4 is quiet
        Assert.Equal(new[] { 13 }, result.OutputCounts);
    }

    [Theory]
    [InlineData(true, 0.001)]
    [InlineData(false, 0.01)]
    public void Steady_state_equals_the_float_rate_model(bool ideal, double tolerance)
    {
        // Float (ideal): the realization's own arithmetic, so only the delta threshold (2^-12) and the payload's 15 bits separate
        // it from the rate model; fixed point adds 8-bit weights.
        var network = TestNetworks.EpLayered([16, 12, 4], seed: 11);
        var model = EpModel.FromNetwork(network);
        var chip = ChipInstance.Create(new Mapper().Map(network, ChipLoader.Load("loihi2-like"), "test"), 1, ideal, gradedMessages: true);
        var rng = new CounterRng(3, 1);
        var worst = 0.0;
        for (var sample = 0; sample < 4; sample++)
        {
            var pixels = Enumerable.Range(0, 16).Select(_ => (byte)rng.NextInt(256)).ToArray();
            var expected = model.OutputRates(pixels.Select(p => (float)Math.Round(p * 32768.0 / 255) / 32768f).ToArray(), 1, freeSteps: 2000);
            var result = Run(chip, [Image(pixels)], new RunOptions { Steps = 400, Realization = NeuronRealization.SigmaDelta, DeltaThreshold = 1.0 / 4096 }).Inferences[0];
            for (var o = 0; o < expected.Length; o++)
            {
                worst = Math.Max(worst, Math.Abs(result.OutputCounts[o] / 32768.0 - expected[o]));
            }

            Assert.Contains(expected, e => e > 0.05);       // a non-trivial output
        }

        Assert.True(worst <= tolerance, $"largest |chip − float| output difference {worst:F5} > {tolerance}");
    }

    [Fact]
    public void Results_are_identical_with_1_and_3_threads()
    {
        var network = TestNetworks.EpLayered([64, 24, 10], seed: 5, weightScale: 3);
        var chip = ChipInstance.Create(new Mapper().Map(network, ChipLoader.Load("loihi2-like"), "test"), 1, false, gradedMessages: true);
        var data = Neuromorphic.Core.Data.DatasetCatalog.LoadEmbedded().Test;
        InferenceInput[] Inputs() => Enumerable.Range(0, 9).Select(i => InferenceInput.FromImage(data.Image(i).Slice(300, 64), data.Labels[i], InputEncoding.SigmaDelta, 1, i)).ToArray();
        string Describe(RunSummary s) => string.Join("|", s.Inferences.Select(r =>
            $"{r.Predicted} {string.Join(",", r.OutputCounts)} {r.Steps} {r.Latency.Picoseconds} {r.Energy.TotalFj} {r.Totals.SynapticOps} {r.Totals.MessagesOut}"));
        var options = new RunOptions { Steps = 40, Realization = NeuronRealization.SigmaDelta, EarlyExit = true };
        var one = Run(chip, Inputs(), options with { Threads = 1 });
        Assert.Equal(Describe(one), Describe(Run(chip, Inputs(), options with { Threads = 3 })));
        Assert.True(one.Totals.SynapticOps > 0);
    }

    [Fact]
    public void Fixed_point_step_matches_its_definition_on_random_inputs()
    {
        // The kernel against a restatement of its definition (modular 24-bit wrap, clamps written out): σ saturates, u wraps, y clamps.
        var rng = new CounterRng(9, 2);
        for (var i = 0; i < 20_000; i++)
        {
            var f = 1 + rng.NextInt(23);
            long sigma = rng.NextInt(1 << 24) - (1 << 23);
            sigma <<= rng.NextInt(f + 1);
            var u = rng.NextInt(1 << 24) - (1 << 23);
            long pending = ((long)rng.NextInt(1 << 24) - (1 << 23)) * (rng.NextInt(1 << 16) - (1 << 15));
            var decay = rng.NextInt(4097);
            var bias = rng.NextInt(1 << 20) - (1 << 19);
            var threshold = 64 * (1 + rng.NextInt(1 << 16));
            var (s0, u0) = (sigma, u);

            var y = SigmaDeltaKernels.StepFixed(ref sigma, ref u, pending, decay, bias, threshold, f);

            var max = (long)((1 << 23) - 1) << f;
            var s1 = Math.Max(-max, Math.Min(max, s0 + pending));
            var wide = (long)Neuromorphic.Mapping.Quantization.LoihiFixedPoint.DecayCurrent(u0, decay) + (s1 >> f);
            var u1 = (int)(((wide % (1L << 24)) + (1L << 24) + (1L << 23)) % (1L << 24) - (1L << 23));
            var numerator = ((long)u1 + bias) * (1L << f);
            var y1 = numerator <= 0 ? 0 : Math.Min(1L << f, numerator / threshold);
            Assert.Equal((s1, u1, (int)y1), (sigma, u, y));
        }
    }

    [Fact]
    public void Delta_sends_only_changes_that_reach_the_threshold_and_fits_the_payload()
    {
        Assert.Equal(0, SigmaDeltaKernels.Delta(10, 7, 4, 7));
        Assert.Equal(4, SigmaDeltaKernels.Delta(11, 7, 4, 7));
        Assert.Equal(-4, SigmaDeltaKernels.Delta(3, 7, 4, 7));
        Assert.Equal(127, SigmaDeltaKernels.Delta(128, 0, 1, 7));       // 8-bit payload: at most 127
        Assert.Equal(-128, SigmaDeltaKernels.Delta(0, 128, 1, 7));
        Assert.Equal(128, SigmaDeltaKernels.PixelLevel(255, 7));
        Assert.Equal(0, SigmaDeltaKernels.PixelLevel(0, 7));
    }

    [Fact]
    public void Graded_chip_fields_are_checked()
    {
        var loihi2 = ChipLoader.Load("loihi2-like");
        Assert.Equal(16, loihi2.Core.MessagePayloadBits);
        Assert.Equal(0, ChipLoader.Load("loihi1").Core.MessagePayloadBits);
        var tiny = ChipLoader.BuiltinText("tiny");
        var ex = Assert.Throws<InvalidInputException>(() => ChipLoader.FromJson(tiny.Replace("\"gradedSpikes\": false,", "\"gradedSpikes\": false, \"messagePayloadBits\": 8,", StringComparison.Ordinal), "t.json"));
        Assert.Contains("$.core.messagePayloadBits", ex.Message);
        ex = Assert.Throws<InvalidInputException>(() => ChipLoader.FromJson(tiny.Replace("\"gradedSpikes\": false,", "\"gradedSpikes\": true, \"messagePayloadBits\": 25,", StringComparison.Ordinal), "t.json"));
        Assert.Contains("1..24", ex.Message);
        ex = Assert.Throws<InvalidInputException>(() => ChipLoader.FromJson(tiny.Replace("\"gradedSpikes\": false,", "\"gradedSpikes\": false, \"gradedSynapticOp\": { \"energyPj\": 1, \"latencyNs\": 1 },", StringComparison.Ordinal), "t.json"));
        Assert.Contains("$.core.gradedSynapticOp", ex.Message);
        Assert.Equal(16, ChipLoader.FromJson(tiny.Replace("\"gradedSpikes\": false,", "\"gradedSpikes\": true,", StringComparison.Ordinal), "t.json").Core.MessagePayloadBits);
    }

    [Fact]
    public void Traces_carry_the_payloads_and_they_add_up_to_what_receivers_hold()
    {
        var network = TestNetworks.EpLayered([16, 12, 4], seed: 11);
        var chip = ChipInstance.Create(new Mapper().Map(network, ChipLoader.Load("loihi2-like"), "test"), 1, false, gradedMessages: true);
        var pixels = Enumerable.Range(0, 16).Select(i => (byte)(i * 16)).ToArray();
        var recorder = new Neuromorphic.Simulation.Tracing.TraceRecorder(0, 0, Neuromorphic.Traces.TraceLevel.Messages);
        var result = Run(chip, [Image(pixels)], new RunOptions { Steps = 60, Realization = NeuronRealization.SigmaDelta }, _ => recorder).Inferences[0];
        var records = recorder.Buffer;

        // Inputs: one graded spike per non-zero pixel, its value the pixel's level (a still image sends once).
        var inputs = records.InputEvents.Span.ToArray();
        Assert.Equal(pixels.Count(p => p > 0), inputs.Length);
        Assert.All(inputs, e => Assert.Equal(SigmaDeltaKernels.PixelLevel(pixels[e.Input], 15), e.Value));

        // Neurons: one payload per spike record; an output's payloads sum to its last sent value.
        var payloads = records.Payloads.Span.ToArray();
        Assert.Equal(records.Spikes.Count, payloads.Length);
        Assert.Equal(result.Totals.NeuronsFired, payloads.Length);
        var output = network.GetPopulation("output");
        for (var o = 0; o < output.Size; o++)
        {
            Assert.Equal(result.OutputCounts[o], payloads.Where(p => p.Neuron == output.FirstNeuron + o).Sum(p => p.Payload));
        }

        Assert.Contains(payloads, p => p.Payload < 0);         // changes go both ways
    }

    [Fact]
    public void A_nir_export_is_refused_for_sigma_delta_with_a_clear_message()
    {
        using var dir = new TempDirectory();
        var model = dir.File("net.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 8, 10], 3), model);
        Assert.Equal(0, CliRunner.Run("export", "nir", "--model", model, "--out", dir.File("net.nir"), "-q").ExitCode);
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", dir.File("net.nir"), "--chip", "loihi2-like", "--dataset", "embedded", "--samples", "1",
            "--realization", "sigma-delta"), "net.nir", "cuba-lif", "ep-rate network file");
    }

    [Fact]
    public void Sweep_jobs_take_the_realization_and_name_it_only_when_it_is_sigma_delta()
    {
        var values = new System.Text.Json.Nodes.JsonObject { ["model"] = "m.json", ["chip"] = "loihi2-like", ["realization"] = "sigma-delta", ["delta-threshold"] = 0.01 };
        var request = Neuromorphic.Sweeps.Spec.JobOptions.BuildRun(values);
        Assert.Equal((NeuronRealization.SigmaDelta, 0.01), (request.Realization, request.DeltaThreshold));
        var canonical = Neuromorphic.Sweeps.Spec.JobOptions.CanonicalRun(request);
        Assert.Equal("sigma-delta", canonical["realization"]!.GetValue<string>());
        var spiking = Neuromorphic.Sweeps.Spec.JobOptions.CanonicalRun(Neuromorphic.Sweeps.Spec.JobOptions.BuildRun(new System.Text.Json.Nodes.JsonObject { ["model"] = "m.json", ["chip"] = "loihi1" }));
        Assert.False(spiking.ContainsKey("realization"));   // binary-spike job ids are what they were before graded spikes
    }

    [Fact]
    public void Run_command_runs_sigma_delta_and_refuses_what_it_cannot_run()
    {
        using var dir = new TempDirectory();
        var model = dir.File("net.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 20, 10], 3, weightScale: 3), model);
        var trace = dir.File("sd.trace");
        var ok = CliRunner.Run("run", "--model", model, "--chip", "loihi2-like", "--dataset", "embedded", "--samples", "4", "--steps", "30",
            "--realization", "sigma-delta", "--early-exit", "--trace", trace, "--json");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        using (var doc = JsonDocument.Parse(ok.Stdout))
        {
            Assert.Equal("sigma-delta", doc.RootElement.GetProperty("realization").GetString());
            Assert.True(doc.RootElement.GetProperty("perInference").GetProperty("messages").GetDouble() > 0);
        }

        var export = CliRunner.Run("trace", "export", trace, "--out", dir.File("csv"));
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.True(File.ReadLines(Path.Combine(dir.File("csv"), "payloads.csv")).Count() > 1);
        CliRunner.AssertBadInput(CliRunner.Run("replay", trace, "--resimulate"), "realization", "sigma-delta");

        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "loihi2-like", "--dataset", "embedded", "--samples", "1",
            "--realization", "sigma-delta", "--mode", "async"), "--realization", "barrier mode");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "1",
            "--realization", "sigma-delta"), "$.core.gradedSpikes");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "loihi2-like", "--dataset", "embedded", "--samples", "1",
            "--realization", "sigma-delta", "--delta-threshold", "0"), "--delta-threshold");
        var lif = dir.File("lif.json");
        NetworkFile.Save(TestNetworks.CubaChain(2, 784), lif);
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", lif, "--chip", "loihi2-like", "--dataset", "embedded", "--samples", "1",
            "--realization", "sigma-delta"), "lif.json", "ep-rate");
    }
}
