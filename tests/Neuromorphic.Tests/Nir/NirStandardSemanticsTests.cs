using System.Globalization;
using Neuromorphic.Core.Networks;
using Neuromorphic.Nir;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;

namespace Neuromorphic.Tests.Nir;

/// <summary>
/// Our NIR export read as another tool would: <see cref="StandardReader"/> knows only the NIR
/// specification (nir/ir/*.py equations; forward Euler at the graph's dt, the current before the
/// voltage, spike when v &gt; v_threshold then v ← v_reset) and ignores every <c>neuromorphic.*</c>
/// metadata key. The one thing it adds is the chip's synapse: a Linear or Affine node passes on the
/// previous step's spikes, because on the chip every synapse takes one step (Nir README, "Discretisation";
/// frameworks such as snnTorch pass spikes within the step, so there a network answers its depth in
/// steps earlier, and bias-driven neurons then drift relative to input-driven ones). It must behave
/// as <c>neuro run --ideal</c> spike for spike, except exactly where the export warns.
/// </summary>
public class NirStandardSemanticsTests
{
    [Fact]
    public void An_exported_network_read_with_standard_NIR_semantics_spikes_as_neuro_run_ideal_except_where_the_export_warns()
    {
        using var directory = new TempDirectory();
        var network = Layered();
        NetworkFile.Save(network, directory.File("net.json"));
        var export = CliRunner.Run("export", "nir", "--model", directory.File("net.json"), "--out", directory.File("net.nir"), "--dt", "0.001", "--json");
        Assert.True(export.ExitCode == 0, export.ToString());
        var result = NirExporter.Export(network, new NirExportOptions { Dt = 0.001 });
        Assert.Equal([("sub", "reset"), ("clamped", "vMin"), ("clamped", "vMax")], result.Inexact);
        Assert.Contains("population sub: resets by subtraction", export.Stderr, StringComparison.Ordinal);

        // Inputs: Bernoulli spikes, steps from 1.
        const int steps = 60;
        var random = new Random(11);
        var events = new List<(int Step, int Index)>();
        for (var t = 1; t <= steps - 10; t++)
        {
            for (var i = 0; i < network.InputPopulation!.Size; i++)
            {
                if (random.NextDouble() < 0.35)
                {
                    events.Add((t, i));
                }
            }
        }

        File.WriteAllLines(directory.File("events.csv"), events.Select(e => $"{e.Step},{e.Index}"));
        var run = CliRunner.Run("run", "--model", directory.File("net.json"), "--chip", "loihi1", "--ideal", "--input", directory.File("events.csv"),
            "--steps", steps.ToString(CultureInfo.InvariantCulture), "--trace", directory.File("run.trace"), "--trace-level", "spikes", "--threads", "1");
        Assert.True(run.ExitCode == 0, run.ToString());
        var trace = TraceFile.ReadAll(directory.File("run.trace"));
        // The trace's step numbering, whatever its base: the first recorded core step is the events file's step 1.
        var first = int.MaxValue;
        foreach (ref readonly var c in trace.Records.CoreSteps.Span)
        {
            first = Math.Min(first, c.Step);
        }

        var shift = first - 1;
        var standard = StandardReader.Run(NirFile.Read(directory.File("net.nir")), events, steps);

        var compared = 0;
        foreach (var population in network.Populations.Where(p => p.Model != NeuronModel.Input))
        {
            var ours = new SortedSet<(int, int)>();
            foreach (ref readonly var s in trace.Records.Spikes.Span)
            {
                if (s.Neuron >= population.FirstNeuron && s.Neuron < population.FirstNeuron + population.Size)
                {
                    ours.Add((s.Neuron - population.FirstNeuron, s.Step - shift));
                }
            }

            var theirs = new SortedSet<(int, int)>(standard[population.Name]);
            if (result.Inexact.Any(x => x.Population == population.Name))
            {
                Assert.NotEqual(theirs, ours); // the warning is not idle: a standard reader does run it differently
                continue;
            }

            Assert.True(ours.Count > 3, $"{population.Name} spiked {ours.Count} times: the test needs activity");
            Assert.True(theirs.SetEquals(ours), $"{population.Name}: standard reader {string.Join(" ", theirs.Take(12))}; neuro run --ideal {string.Join(" ", ours.Take(12))}");
            compared++;
        }

        Assert.Equal(5, compared);
    }

    /// <summary>input → LIF → CubaLIF → IF → LI→IF (current bias on an Affine) → IF with a decaying current; two warned branches.</summary>
    private static NetworkSpec Layered()
    {
        var random = new Random(5);
        float[] Weights(int post, int pre, double scale) =>
            Enumerable.Range(0, post * pre).Select(_ => (float)(Math.Round((random.NextDouble() * 1.6 - 0.35) * scale * 8) / 8)).ToArray();
        static CubaLifParameters Lif(double? tauU, double? tauV, double threshold, double bias = 0, ResetMode reset = ResetMode.Zero) =>
            new(tauU is null ? null : PerNeuron.Scalar(tauU.Value), tauV is null ? null : PerNeuron.Scalar(tauV.Value), PerNeuron.Scalar(threshold),
                PerNeuron.Scalar(bias), reset, PerNeuron.Scalar(0));
        var input = new Population("in", 8, NeuronModel.Input);
        var lif = new Population("lif", 6, NeuronModel.CubaLif, Lif(1, 4, 1.0, 0.0625));
        var cuba = new Population("cuba", 5, NeuronModel.CubaLif, Lif(2, 5, 0.75));
        var integrate = new Population("if", 5, NeuronModel.CubaLif, Lif(1, null, 1.5));
        var filtered = new Population("li-if", 4, NeuronModel.CubaLif, Lif(2, null, 1.0) with { CurrentBias = PerNeuron.Scalar(0.03125) });
        var last = new Population("last", 4, NeuronModel.CubaLif, Lif(4, null, 1.25));
        var sub = new Population("sub", 4, NeuronModel.CubaLif, Lif(1, 8, 0.9, 0, ResetMode.Subtract));
        var clamped = new Population("clamped", 4, NeuronModel.CubaLif, Lif(1, 6, 0.8) with { VoltageMin = PerNeuron.Scalar(0), VoltageMax = PerNeuron.Scalar(1.5) });
        Population[] populations = [input, lif, cuba, integrate, filtered, last, sub, clamped];
        var projections = new List<Projection>
        {
            new("in->lif", input, lif, Weights(6, 8, 1)),
            new("lif->cuba", lif, cuba, Weights(5, 6, 0.8)),
            new("cuba->if", cuba, integrate, Weights(5, 5, 1.2)),
            new("if->li-if", integrate, filtered, Weights(4, 5, 1.2)),
            new("li-if->last", filtered, last, Weights(4, 4, 1.5)),
            new("lif->sub", lif, sub, Weights(4, 6, 1)),
            new("lif->clamped", lif, clamped, Weights(4, 6, 1.5)),
        };
        return new NetworkSpec("standard-semantics", populations, projections, new Readout("last"));
    }

    /// <summary>
    /// A minimal NIR simulator written from the NIR specification alone (node equations of
    /// nir/ir/neuron.py and nir/ir/linear.py), with the chip's one-step synapse on Linear and Affine. Defaults as NIR's: r = 1,
    /// v_leak = 0, v_reset = 0, w_in = 1. Initial state 0.
    /// </summary>
    private static class StandardReader
    {
        public static Dictionary<string, List<(int Neuron, int Step)>> Run(NirDocument document, List<(int Step, int Index)> events, int steps)
        {
            var graph = document.Root;
            var dt = graph.Metadata["dt"].Numbers!.Values[0];
            double[] P(NirNode node, string key, int size, double fallback) =>
                node.Parameters.TryGetValue(key, out var a) ? (a.Count == 1 ? Enumerable.Repeat(a.Values[0], size).ToArray() : a.Values) : Enumerable.Repeat(fallback, size).ToArray();
            int Size(NirNode node) => node.Type switch
            {
                "Input" or "Output" => (int)node.Parameters["shape"].Values.Aggregate(1.0, (x, y) => x * y),
                "Linear" or "Affine" => (int)node.Parameters["weight"].Shape[0],
                "IF" => node.Parameters["v_threshold"].Count,
                "CubaLIF" => node.Parameters["tau_mem"].Count,
                "I" => node.Parameters["r"].Count,
                _ => node.Parameters["tau"].Count,
            };

            // Order within a step: a node after the nodes that feed it in the same step (all but Linear and Affine,
            // which read the previous step's outputs, so recurrent graphs order too).
            static bool Delayed(NirNode node) => node.Type is "Linear" or "Affine";
            var order = new List<NirNode>();
            var placed = new HashSet<string>();
            while (order.Count < graph.Nodes.Count)
            {
                var progress = false;
                foreach (var node in graph.Nodes.Where(n => !placed.Contains(n.Name)))
                {
                    if (Delayed(node) || graph.Edges.Where(e => e.To == node.Name).All(e => placed.Contains(e.From)))
                    {
                        order.Add(node);
                        placed.Add(node.Name);
                        progress = true;
                    }
                }

                Assert.True(progress, "a loop without a Linear or Affine node");
            }

            var output = order.ToDictionary(n => n.Name, n => new double[Size(n)]);
            var previous = order.ToDictionary(n => n.Name, n => new double[Size(n)]);
            var v = order.ToDictionary(n => n.Name, n => new double[Size(n)]);
            var current = order.ToDictionary(n => n.Name, n => new double[Size(n)]);
            var spikes = graph.Nodes.Where(n => n.Type is "LIF" or "IF" or "CubaLIF").ToDictionary(n => n.Name, _ => new List<(int, int)>());
            for (var t = 1; t <= steps; t++)
            {
                foreach (var (name, values) in output)
                {
                    values.CopyTo(previous[name], 0);
                }

                foreach (var node in order)
                {
                    var size = Size(node);
                    var x = new double[node.Type is "Linear" or "Affine" ? (int)node.Parameters["weight"].Shape[1] : size];
                    foreach (var (from, _) in graph.Edges.Where(e => e.To == node.Name))
                    {
                        for (var i = 0; i < x.Length; i++)
                        {
                            x[i] += Delayed(node) ? previous[from][i] : output[from][i];
                        }
                    }

                    var y = output[node.Name];
                    var state = v[node.Name];
                    switch (node.Type)
                    {
                        case "Input":
                            Array.Clear(y);
                            foreach (var e in events.Where(e => e.Step == t))
                            {
                                y[e.Index] = 1;
                            }

                            break;
                        case "Output":
                            break;
                        case "Linear" or "Affine":
                            var w = node.Parameters["weight"];
                            var b = node.Type == "Affine" ? P(node, "bias", size, 0) : new double[size];
                            for (var o = 0; o < size; o++)
                            {
                                var sum = b[o];
                                for (var i = 0; i < x.Length; i++)
                                {
                                    sum += w.Values[o * x.Length + i] * x[i];
                                }

                                y[o] = sum;
                            }

                            break;
                        case "LI" or "I":
                        {
                            var r = P(node, "r", size, 1);
                            for (var i = 0; i < size; i++)
                            {
                                state[i] += node.Type == "I" ? dt * r[i] * x[i]
                                    : dt / P(node, "tau", size, 1)[i] * (P(node, "v_leak", size, 0)[i] - state[i] + r[i] * x[i]);
                                y[i] = state[i];
                            }

                            break;
                        }

                        default: // LIF, IF, CubaLIF
                        {
                            var r = P(node, "r", size, 1);
                            var threshold = P(node, "v_threshold", size, 0);
                            var reset = P(node, "v_reset", size, 0);
                            for (var i = 0; i < size; i++)
                            {
                                switch (node.Type)
                                {
                                    case "IF":
                                        state[i] += dt * r[i] * x[i];
                                        break;
                                    case "LIF":
                                        state[i] += dt / P(node, "tau", size, 1)[i] * (P(node, "v_leak", size, 0)[i] - state[i] + r[i] * x[i]);
                                        break;
                                    default:
                                        var syn = current[node.Name];
                                        syn[i] += dt / P(node, "tau_syn", size, 1)[i] * (-syn[i] + P(node, "w_in", size, 1)[i] * x[i]);
                                        state[i] += dt / P(node, "tau_mem", size, 1)[i] * (P(node, "v_leak", size, 0)[i] - state[i] + r[i] * syn[i]);
                                        break;
                                }

                                y[i] = 0;
                                if (state[i] > threshold[i])
                                {
                                    y[i] = 1;
                                    state[i] = reset[i];
                                    spikes[node.Name].Add((i, t));
                                }
                            }

                            break;
                        }
                    }
                }
            }

            return spikes;
        }
    }
}
