using Neuromorphic.Core.Random;
using Neuromorphic.Nir;
using static Neuromorphic.Tests.Nir.NirTestSupport;

namespace Neuromorphic.Tests.Nir;

/// <summary>
/// The science of the import: for each NIR neuron type, forward Euler on NIR's own equations
/// (nir/ir/neuron.py; the NIR paper's reference CubaLIF, with the current updated first) gives the
/// same voltages and spikes as the <c>cuba-lif</c> update (the network contract, Core README) with the imported parameters
/// and weights — including Affine biases, v_leak, v_reset ≠ 0 and fused I/LI currents.
/// </summary>
public class NirDiscretisationTests
{
    private const double Dt = 1e-3;
    private const int Inputs = 3;
    private const int Neurons = 4;
    private const int Steps = 400;

    [Theory]
    [InlineData("LIF")]
    [InlineData("IF")]
    [InlineData("CubaLIF")]
    [InlineData("Threshold")]
    [InlineData("LI+IF")]
    [InlineData("LI+LIF")]
    [InlineData("I+IF")]
    [InlineData("I+LIF")]
    public void Cuba_lif_with_imported_parameters_follows_forward_Euler_on_the_NIR_equations(string kind)
    {
        var rng = new CounterRng(2024, (ulong)kind.Sum(ch => ch));
        var model = NirModel.Random(kind, rng);
        var weights = new double[Neurons, Inputs];
        for (var i = 0; i < Neurons; i++)
        {
            for (var j = 0; j < Inputs; j++)
            {
                weights[i, j] = (float)rng.Uniform(-0.5, 1.5);
            }
        }

        var bias = Enumerable.Range(0, Neurons).Select(_ => rng.Uniform(-0.2, 0.4)).ToArray();
        var graph = new GraphBuilder().Input("in", Inputs).Affine("w", weights, bias);
        model.AddNodes(graph);
        graph.Edges(["in", "w", .. model.Chain]);
        var imported = NirImporter.Import(graph.Document(), new NirImportOptions { Dt = Dt }).Network;
        var population = imported.GetPopulation("neuron");
        var c = population.CubaLif!;
        var projection = imported.Projections.Single();

        // The import shifts v by v_reset so that reset is to zero: the NIR neuron starts at its v_reset.
        var reference = (double[])model.VReset.Clone();
        var referenceFilter = new double[Neurons];
        var u = new double[Neurons];
        var v = new double[Neurons];
        int spikes = 0, silent = 0;
        for (var t = 0; t < Steps; t++)
        {
            var input = Enumerable.Range(0, Inputs).Select(_ => rng.NextDouble() < 0.3 ? 1.0 : 0.0).ToArray();
            for (var i = 0; i < Neurons; i++)
            {
                // NIR: x = W·s + b enters the node; one Euler step of its equations.
                var x = bias[i];
                var weighted = 0.0;
                for (var j = 0; j < Inputs; j++)
                {
                    x += weights[i, j] * input[j];
                    weighted += projection.Weight(i, j) * input[j];
                }

                var nirSpike = model.Step(i, x, ref reference[i], ref referenceFilter[i]);

                // cuba-lif (the network contract, Core README) with the imported parameters.
                var tauU = c.TauCurrent?[i];
                u[i] = (tauU is { } tu ? u[i] * (1 - 1 / tu) : u[i]) + weighted + c.CurrentBias[i];
                var tauV = c.TauVoltage?[i];
                v[i] = (tauV is { } tv ? v[i] * (1 - 1 / tv) : v[i]) + u[i] + c.Bias[i];
                var spike = v[i] > c.Threshold[i];
                if (spike)
                {
                    v[i] = 0;
                }

                Assert.True(nirSpike == spike, $"{kind}: neuron {i} step {t}: NIR spike {nirSpike}, cuba-lif spike {spike}");
                // Weights are float32 in both formats; k·w is rounded to float32 once more in ours.
                Assert.True(Math.Abs(v[i] - (reference[i] - model.VReset[i])) < 1e-6 * Math.Max(1, Math.Abs(v[i])),
                    $"{kind}: neuron {i} step {t}: NIR v − v_reset = {reference[i] - model.VReset[i]:R}, cuba-lif v = {v[i]:R}");
                if (spike)
                {
                    spikes++;
                }
                else
                {
                    silent++;
                }
            }
        }

        Assert.True(spikes > 10 && silent > 10, $"{kind}: {spikes} spikes and {silent} silent steps: the test needs both");
    }

    /// <summary>One NIR neuron type with random parameters and its forward-Euler step on NIR's equations.</summary>
    private sealed class NirModel
    {
        private double[] _tau = [], _tauSyn = [], _r = [], _vLeak = [], _threshold = [], _wIn = [];
        private double[] _filterTau = [], _filterR = [], _filterLeak = [];
        private string _filter = "", _spiking = "";

        public double[] VReset { get; private set; } = new double[Neurons];

        public string[] Chain => _filter.Length > 0 ? ["current", "neuron"] : ["neuron"];

        public static NirModel Random(string kind, CounterRng rng)
        {
            double[] Draw(double low, double high) => Enumerable.Range(0, Neurons).Select(_ => rng.Uniform(low, high)).ToArray();
            var parts = kind.Split('+');
            var model = new NirModel { _filter = parts.Length == 2 ? parts[0] : "", _spiking = parts[^1] };
            model._tau = Draw(2 * Dt, 12 * Dt);
            model._tauSyn = Draw(Dt, 6 * Dt);
            model._vLeak = Draw(-0.3, 0.5);
            model._wIn = Draw(0.5, 2);
            model._filterTau = Draw(Dt, 8 * Dt);
            model._filterLeak = Draw(-0.2, 0.3);
            model.VReset = model._spiking == "Threshold" ? new double[Neurons] : Draw(-0.3, 0.2);
            model._threshold = model.VReset.Select(r => r + rng.Uniform(0.3, 1.2)).ToArray();

            // Gains chosen so that the neurons fire now and then: a leaky stage passes dt/τ·r of its input.
            model._r = model._spiking == "IF" ? Draw(0.1 / Dt, 0.4 / Dt) : Draw(0.5, 2);
            model._filterR = model._filter == "I" ? Draw(0.02 / Dt, 0.1 / Dt) : Draw(0.5, 2);
            return model;
        }

        public void AddNodes(GraphBuilder graph)
        {
            switch (_filter)
            {
                case "LI":
                    graph.Node("current", NirTypes.LI, ("tau", V(_filterTau)), ("r", V(_filterR)), ("v_leak", V(_filterLeak)));
                    break;
                case "I":
                    graph.Node("current", NirTypes.Integrator, ("r", V(_filterR)));
                    break;
            }

            _ = _spiking switch
            {
                "LIF" => graph.Node("neuron", NirTypes.LIF, ("tau", V(_tau)), ("r", V(_r)), ("v_leak", V(_vLeak)), ("v_threshold", V(_threshold)),
                    ("v_reset", V(VReset))),
                "IF" => graph.Node("neuron", NirTypes.IF, ("r", V(_r)), ("v_threshold", V(_threshold)), ("v_reset", V(VReset))),
                "CubaLIF" => graph.Node("neuron", NirTypes.CubaLIF, ("tau_syn", V(_tauSyn)), ("tau_mem", V(_tau)), ("r", V(_r)), ("v_leak", V(_vLeak)),
                    ("v_threshold", V(_threshold)), ("v_reset", V(VReset)), ("w_in", V(_wIn))),
                "Threshold" => graph.Node("neuron", NirTypes.Threshold, ("threshold", V(_threshold))),
                _ => throw new ArgumentException(_spiking),
            };
        }

        /// <summary>One Euler step of neuron i with input x; returns whether it spiked.</summary>
        public bool Step(int i, double x, ref double v, ref double filter)
        {
            var drive = x;
            switch (_filter)
            {
                case "LI":
                    filter += Dt / _filterTau[i] * (_filterLeak[i] - filter + _filterR[i] * x);
                    drive = filter;
                    break;
                case "I":
                    filter += Dt * _filterR[i] * x;
                    drive = filter;
                    break;
            }

            switch (_spiking)
            {
                case "LIF":
                    v += Dt / _tau[i] * (_vLeak[i] - v + _r[i] * drive);
                    break;
                case "IF":
                    v += Dt * _r[i] * drive;
                    break;
                case "CubaLIF":
                    filter += Dt / _tauSyn[i] * (-filter + _wIn[i] * x);
                    v += Dt / _tau[i] * (_vLeak[i] - v + _r[i] * filter);
                    break;
                case "Threshold":
                    v = drive;
                    break;
            }

            if (v > _threshold[i])
            {
                v = VReset[i];
                return true;
            }

            return false;
        }
    }
}
