using System.Globalization;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Nir;

/// <summary>
/// One NIR neuron node (or a filter node fused with the spiking node it feeds), discretised with
/// forward Euler at step dt onto the <c>cuba-lif</c> update (README, "Discretisation"):
/// u ← u·(1 − 1/τ_u) + k·(Σ w·s) + currentBias, v ← v·(1 − 1/τ_v) + u + bias, spike when v &gt; threshold.
/// The filter stage (none, I, LI, or CubaLIF's synaptic current) gives τ_u, a gain k_F and a
/// constant input cb_F; the spiking stage (LIF, IF, Threshold, CubaLIF's membrane) gives τ_v,
/// a gain k_S, the voltage bias and the threshold. Then k = k_F·k_S and currentBias = k_S·cb_F.
/// </summary>
internal sealed class NirNeuron
{
    private NirNeuron(int size)
    {
        Size = size;
        TauCurrentSteps = new double?[size];
        TauVoltageSteps = new double?[size];
        Gain = new double[size];
        CurrentBias = new double[size];
        VoltageBias = new double[size];
        Threshold = new double[size];
    }

    public int Size { get; }

    /// <summary>τ_u in steps per neuron; null means no decay (an integrator).</summary>
    public double?[] TauCurrentSteps { get; }

    /// <summary>τ_v in steps per neuron; null means no leak.</summary>
    public double?[] TauVoltageSteps { get; }

    /// <summary>k: what one unit of the node's input adds to u (it multiplies the incoming weights row by row).</summary>
    public double[] Gain { get; }

    /// <summary>Constant input to u per step (LI's v_leak), before any Affine bias is added.</summary>
    public double[] CurrentBias { get; }

    public double[] VoltageBias { get; }

    public double[] Threshold { get; }

    /// <summary>True when some v_reset was not zero (the voltage was shifted by it).</summary>
    public bool ShiftedReset { get; private set; }

    /// <summary>Spiking node types, and filter types that may precede an IF or LIF.</summary>
    public static bool IsSpiking(string type) => type is NirTypes.LIF or NirTypes.IF or NirTypes.CubaLIF or NirTypes.Threshold;

    public static bool IsFilter(string type) => type is NirTypes.Integrator or NirTypes.LI or NirTypes.CubaLI;

    /// <summary>The number of neurons of a neuron node: the element count of its parameters (each the same, or 1).</summary>
    public static int SizeOf(NirNode node, string file)
    {
        var keys = ParameterKeys(node.Type);
        var size = 0;
        string? sizeKey = null;
        foreach (var key in keys)
        {
            if (node.Parameters.TryGetValue(key, out var array) && array.Count > size)
            {
                size = array.Count;
                sizeKey = key;
            }
        }

        foreach (var key in keys)
        {
            if (node.Parameters.TryGetValue(key, out var array) && array.Count != size && array.Count != 1)
            {
                throw new InvalidInputException(file, $"{node.Path}/{key}", $"{array.Count} values ({array.ShapeText})",
                    $"{size} values, one per neuron as {sizeKey} has, or a single value");
            }
        }

        return Math.Max(size, 1);
    }

    /// <summary>Discretises <paramref name="spiking"/>, fed by the optional <paramref name="filter"/>, at step <paramref name="dt"/>.</summary>
    public static NirNeuron Discretise(NirNode spiking, NirNode? filter, int size, double dt, string file)
    {
        var neuron = new NirNeuron(size);
        var p = new Params(spiking, size, file);
        var kS = new double[size];
        switch (spiking.Type)
        {
            case NirTypes.LIF:
            {
                var tau = p.Required("tau");
                var r = p.Optional("r", 1);
                var vLeak = p.Optional("v_leak", 0);
                var vThreshold = p.Required("v_threshold");
                var vReset = p.Optional("v_reset", 0);
                for (var i = 0; i < size; i++)
                {
                    neuron.TauVoltageSteps[i] = Steps(spiking, "tau", tau[i], dt, file);
                    kS[i] = r[i] * dt / tau[i];
                    neuron.VoltageBias[i] = dt * (vLeak[i] - vReset[i]) / tau[i];
                    neuron.Threshold[i] = vThreshold[i] - vReset[i];
                }

                neuron.ShiftedReset = vReset.Any(v => v != 0);
                break;
            }

            case NirTypes.IF:
            {
                var r = p.Optional("r", 1);
                var vThreshold = p.Required("v_threshold");
                var vReset = p.Optional("v_reset", 0);
                for (var i = 0; i < size; i++)
                {
                    kS[i] = r[i] * dt;
                    neuron.Threshold[i] = vThreshold[i] - vReset[i];
                }

                neuron.ShiftedReset = vReset.Any(v => v != 0);
                break;
            }

            case NirTypes.CubaLIF:
            {
                var tauSyn = p.Required("tau_syn");
                var tauMem = p.Required("tau_mem");
                var r = p.Optional("r", 1);
                var vLeak = p.Optional("v_leak", 0);
                var vThreshold = p.Required("v_threshold");
                var vReset = p.Optional("v_reset", 0);
                var wIn = p.Optional("w_in", 1);
                for (var i = 0; i < size; i++)
                {
                    neuron.TauCurrentSteps[i] = Steps(spiking, "tau_syn", tauSyn[i], dt, file);
                    neuron.TauVoltageSteps[i] = Steps(spiking, "tau_mem", tauMem[i], dt, file);
                    kS[i] = r[i] * dt / tauMem[i];
                    neuron.Gain[i] = wIn[i] * dt / tauSyn[i];
                    neuron.VoltageBias[i] = dt * (vLeak[i] - vReset[i]) / tauMem[i];
                    neuron.Threshold[i] = vThreshold[i] - vReset[i];
                }

                neuron.ShiftedReset = vReset.Any(v => v != 0);
                break;
            }

            case NirTypes.Threshold:
            {
                var threshold = p.Required("threshold");
                for (var i = 0; i < size; i++)
                {
                    neuron.TauVoltageSteps[i] = 1;
                    kS[i] = 1;
                    neuron.Threshold[i] = threshold[i];
                }

                break;
            }

            default:
                throw new ArgumentException($"{spiking.Type} is not a spiking node type", nameof(spiking));
        }

        if (spiking.Type != NirTypes.CubaLIF)
        {
            ApplyFilter(neuron, filter, size, dt, file);
        }

        for (var i = 0; i < size; i++)
        {
            neuron.CurrentBias[i] *= kS[i];
            neuron.Gain[i] *= kS[i];
            Check(spiking, spiking.Type == NirTypes.Threshold ? "threshold" : "v_threshold", neuron.Threshold[i], i, file, v => v > 0,
                neuron.ShiftedReset ? "v_threshold − v_reset > 0 (a neuron must be able to spike above its reset)" : "a positive threshold");
            Check(spiking, "r", neuron.Gain[i], i, file, double.IsFinite, "parameters giving a finite input gain");
            Check(spiking, "v_leak", neuron.VoltageBias[i], i, file, double.IsFinite, "a finite leak potential");
            Check(filter ?? spiking, "v_leak", neuron.CurrentBias[i], i, file, double.IsFinite, "a finite leak potential");
        }

        return neuron;
    }

    /// <summary>The filter stage: none (u is the input itself), I (no decay) or LI (decay dt/τ, v_leak as a constant input).</summary>
    private static void ApplyFilter(NirNeuron neuron, NirNode? filter, int size, double dt, string file)
    {
        if (filter is null)
        {
            Array.Fill(neuron.Gain, 1.0);
            for (var i = 0; i < size; i++)
            {
                neuron.TauCurrentSteps[i] = 1;
            }

            return;
        }

        var p = new Params(filter, size, file);
        switch (filter.Type)
        {
            case NirTypes.Integrator:
            {
                var r = p.Optional("r", 1);
                for (var i = 0; i < size; i++)
                {
                    neuron.TauCurrentSteps[i] = null;
                    neuron.Gain[i] = r[i] * dt;
                }

                break;
            }

            case NirTypes.LI:
            {
                var tau = p.Required("tau");
                var r = p.Optional("r", 1);
                var vLeak = p.Optional("v_leak", 0);
                for (var i = 0; i < size; i++)
                {
                    neuron.TauCurrentSteps[i] = Steps(filter, "tau", tau[i], dt, file);
                    neuron.Gain[i] = r[i] * dt / tau[i];
                    neuron.CurrentBias[i] = dt * vLeak[i] / tau[i];
                }

                break;
            }

            default:
                throw new ArgumentException($"{filter.Type} cannot feed a spiking node as its current", nameof(filter));
        }
    }

    private static double Steps(NirNode node, string key, double tau, double dt, string file)
    {
        var steps = tau / dt;
        if (!(steps >= 1) || !double.IsFinite(steps))
        {
            throw new InvalidInputException(file, $"{node.Path}/{key}", Text(tau),
                double.IsFinite(tau) && tau > 0
                    ? $"a time constant of at least one step dt = {Text(dt)} (forward Euler needs τ ≥ dt; import with --dt {Text(tau)} or smaller)"
                    : "a positive, finite time constant");
        }

        return steps;
    }

    private static void Check(NirNode node, string key, double value, int neuron, string file, Func<double, bool> ok, string expected)
    {
        if (!ok(value))
        {
            throw new InvalidInputException(file, $"{node.Path}/{key}", $"{Text(value)} for neuron {neuron}", expected);
        }
    }

    internal static string Text(double value) => value.ToString("G6", CultureInfo.InvariantCulture).ToLowerInvariant();

    private static string[] ParameterKeys(string type) => type switch
    {
        NirTypes.LIF => ["tau", "r", "v_leak", "v_threshold", "v_reset"],
        NirTypes.IF => ["r", "v_threshold", "v_reset"],
        NirTypes.CubaLIF => ["tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset", "w_in"],
        NirTypes.CubaLI => ["tau_syn", "tau_mem", "r", "v_leak", "w_in"],
        NirTypes.Threshold => ["threshold"],
        NirTypes.Integrator => ["r"],
        NirTypes.LI => ["tau", "r", "v_leak"],
        _ => [],
    };

    /// <summary>Per-neuron parameter lookup with NIR's defaults and broadcasting of single values.</summary>
    private sealed class Params(NirNode node, int size, string file)
    {
        public double[] Required(string key) =>
            Get(key) ?? throw new InvalidInputException(file, $"{node.Path}/{key}", "missing", $"the {node.Type} parameter {key} (one value per neuron)");

        public double[] Optional(string key, double defaultValue)
        {
            var values = Get(key);
            if (values is null)
            {
                values = new double[size];
                Array.Fill(values, defaultValue);
            }

            return values;
        }

        private double[]? Get(string key)
        {
            if (!node.Parameters.TryGetValue(key, out var array))
            {
                if (node.TextParameters.ContainsKey(key))
                {
                    throw new InvalidInputException(file, $"{node.Path}/{key}", "text", "numbers");
                }

                return null;
            }

            double[] values;
            if (array.Count == size)
            {
                values = array.AsWritten();
            }
            else if (array.Count == 1)
            {
                values = new double[size];
                Array.Fill(values, array.AsWritten()[0]);
            }
            else
            {
                throw new InvalidInputException(file, $"{node.Path}/{key}", $"{array.Count} values ({array.ShapeText})", $"{size} values, one per neuron, or a single value");
            }

            for (var i = 0; i < values.Length; i++)
            {
                if (!double.IsFinite(values[i]))
                {
                    throw new InvalidInputException(file, $"{node.Path}/{key}", $"{Text(values[i])} for neuron {i}", "finite numbers");
                }
            }

            return values;
        }
    }
}
