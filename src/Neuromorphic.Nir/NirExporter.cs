using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;

namespace Neuromorphic.Nir;

/// <summary>How a network is written as NIR.</summary>
public sealed record NirExportOptions
{
    /// <summary>The step that time constants are multiplied by (τ in the file = τ in steps × dt), in seconds by convention.</summary>
    public double Dt { get; init; } = NirImportOptions.DefaultDt;
}

/// <summary>
/// The NIR document written, and the network it describes: the spiking realization
/// (<see cref="EpRateRealization"/>) when <see cref="RealizedEpRate"/>. <see cref="Notes"/> says what NIR could not keep;
/// <see cref="Inexact"/> lists the populations that a tool reading NIR's standard semantics will run differently, and why.
/// </summary>
public sealed record NirExportResult(NirDocument Document, NetworkSpec Exported, bool RealizedEpRate, IReadOnlyList<string> Notes)
{
    /// <summary>Populations whose dynamics NIR cannot state (subtractive reset, refractory steps, voltage clamps): (population, feature).</summary>
    public IReadOnlyList<(string Population, string Feature)> Inexact { get; init; } = [];
}

/// <summary>
/// Writes a <c>neuromorphic.network/1</c> network as a NIR graph (README: "Export") such that
/// <see cref="NirImporter"/> with the same dt gives back the same network: every neuron's input
/// gain is 1 (r and w_in absorb the dt/τ factors), biases become v_leak or an Affine bias, and
/// what NIR cannot say (reset by subtraction, refractory steps, population order, mirrored
/// projections, the step dt) is kept in metadata that other NIR tools ignore.
/// </summary>
public static class NirExporter
{
    public const string PopulationsMetadataKey = "neuromorphic.populations";
    public const string NameMetadataKey = "neuromorphic.name";
    public const string TrainingMetadataKey = "neuromorphic.training";
    public const string ResetMetadataKey = "neuromorphic.reset";
    public const string RefractoryMetadataKey = "neuromorphic.refractory";
    public const string VoltageMinMetadataKey = "neuromorphic.vMin";
    public const string VoltageMaxMetadataKey = "neuromorphic.vMax";
    public const string TransposeOfMetadataKey = "neuromorphic.transposeOf";

    public static NirExportResult Write(NetworkSpec network, string path, NirExportOptions? options = null)
    {
        var result = Export(network, options, path);
        NirFile.Write(result.Document, path);
        return result;
    }

    public static NirExportResult Export(NetworkSpec network, NirExportOptions? options = null, string file = "")
    {
        options ??= new NirExportOptions();
        if (!(options.Dt > 0) || !double.IsFinite(options.Dt))
        {
            throw new InvalidInputException(null, "--dt", NirNeuron.Text(options.Dt), "a positive step (seconds, by NIR convention)");
        }

        var realized = EpRateRealization.Needed(network);
        var exported = realized ? EpRateRealization.ToCubaLif(network) : network;
        var builder = new Builder(exported, options.Dt, file);
        return new NirExportResult(builder.Run(), exported, realized, builder.Notes) { Inexact = builder.Inexact };
    }

    private sealed class Builder(NetworkSpec network, double dt, string file)
    {
        private readonly NirGraph _graph = new("/node");
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private readonly Dictionary<Population, string> _entry = [];
        private readonly Dictionary<Population, string> _exit = [];
        private readonly Dictionary<Population, double[]> _pendingBias = [];
        private readonly HashSet<Population> _hasInput = [];

        public List<string> Notes { get; } = [];

        public List<(string Population, string Feature)> Inexact { get; } = [];

        private void Cannot(Population population, string feature, string text)
        {
            Inexact.Add((population.Name, feature));
            Notes.Add($"population {population.Name}: {text}; NIR cannot state it, so a tool reading NIR's standard semantics will run it differently (kept in node metadata, which our import reads back)");
        }

        public NirDocument Run()
        {
            foreach (var projection in network.Projections)
            {
                _hasInput.Add(projection.To);
            }

            foreach (var population in network.Populations)
            {
                var name = Reserve(population.Name, $"population {population.Name}");
                if (population.Placement.Count > 0)
                {
                    Notes.Add($"the placement pins of {population.Name} are not part of NIR and were left out");
                }

                if (population.Model == NeuronModel.Input)
                {
                    Add(name, NirTypes.Input, ("shape", NirArray.Integers(population.Size)));
                    _entry[population] = _exit[population] = name;
                }
                else
                {
                    AddNeuron(population, name);
                }
            }

            foreach (var projection in network.Projections)
            {
                AddProjection(projection);
            }

            foreach (var (population, _) in _pendingBias)
            {
                throw new InvalidInputException(file, population.Name, "a constant current input", "a projection into the population to carry it");
            }

            if (network.Readout is { } readout)
            {
                var population = network.GetPopulation(readout.Population);
                var name = Reserve("output", "the read-out");
                Add(name, NirTypes.Output, ("shape", NirArray.Integers(population.Size)));
                _graph.Edges.Add((_exit[population], name));
            }

            _graph.Metadata[NirImportOptions.DtMetadataKey] = NirMetadataValue.Of(NirArray.Scalar(dt));
            _graph.Metadata[NameMetadataKey] = NirMetadataValue.Of(network.Name);
            _graph.Metadata[PopulationsMetadataKey] = NirMetadataValue.Of(network.Populations.Select(p => _exit[p]).ToList());
            if (network.Training is { } training)
            {
                _graph.Metadata[TrainingMetadataKey] = NirMetadataValue.Of(training.ToJsonString());
            }

            return new NirDocument(NirFile.WrittenVersion, _graph, file);
        }

        /// <summary>
        /// One cuba-lif population as NIR nodes whose input gain is 1 (see README, "Export"):
        /// a current stage (none when τ_u = 1, LI for a decaying current, I for a current that never
        /// decays, or CubaLIF's own) and a spiking stage (LIF with a leak, IF without).
        /// </summary>
        private void AddNeuron(Population population, string name)
        {
            var c = population.CubaLif!;
            var size = population.Size;
            var threshold = c.Threshold.Expand(size);
            var bias = c.Bias.Expand(size);
            var currentBias = c.CurrentBias.Expand(size);
            var tauU = c.TauCurrent?.Expand(size);
            var tauV = c.TauVoltage?.Expand(size);
            foreach (var (tau, key) in new[] { (tauU, "tauCurrent"), (tauV, "tauVoltage") })
            {
                if (tau is not null && tau.Any(double.IsInfinity))
                {
                    throw new InvalidInputException(null, $"population '{population.Name}' {key}", "null for some neurons",
                        "the same kind of leak for every neuron of a population (a NIR node has one type: a leak for all or none)");
                }
            }

            var hasInput = _hasInput.Contains(population);
            string? filter = null;

            if (tauU is not null && tauU.All(t => t == 1))
            {
                // u holds only this step's input: a constant current input is a voltage bias.
                var total = bias.Select((b, i) => b + currentBias[i]).ToArray();
                if (tauV is not null)
                {
                    AddSpiking(population, name, NirTypes.LIF, Lif(tauV, total, threshold));
                }
                else
                {
                    AddSpiking(population, name, NirTypes.IF, If(threshold));
                    if (total.Any(v => v != 0))
                    {
                        if (hasInput)
                        {
                            _pendingBias[population] = total;
                        }
                        else
                        {
                            filter = AddLi(name, Fill(size, 1), total);
                        }
                    }
                }
            }
            else if (tauU is not null)
            {
                if (tauV is not null && (hasInput || currentBias.All(v => v == 0)))
                {
                    AddSpiking(population, name, NirTypes.CubaLIF,
                        ("tau_syn", Vector(tauU.Select(t => t * dt))),
                        ("tau_mem", Vector(tauV.Select(t => t * dt))),
                        ("r", Vector(tauV)),
                        ("v_leak", Vector(bias.Select((b, i) => b * tauV[i]))),
                        ("v_threshold", Vector(threshold)),
                        ("v_reset", Vector(new double[size])),
                        ("w_in", Vector(tauU)));
                    if (currentBias.Any(v => v != 0))
                    {
                        _pendingBias[population] = currentBias;
                    }
                }
                else
                {
                    RequireNoVoltageBias(population, tauV, bias);
                    filter = AddLi(name, tauU, currentBias);
                    AddSpiking(population, name, tauV is null ? NirTypes.IF : NirTypes.LIF, tauV is null ? If(threshold) : Lif(tauV, bias, threshold));
                }
            }
            else
            {
                RequireNoVoltageBias(population, tauV, bias);
                if (currentBias.Any(v => v != 0))
                {
                    if (!hasInput)
                    {
                        throw new InvalidInputException(file, population.Name, "a current that never decays (tauCurrent null), a current bias and no projection into it",
                            "a population NIR can express: give it an input projection to carry the bias, or a current time constant");
                    }

                    _pendingBias[population] = currentBias;
                }

                filter = Reserve($"{name}.current", $"the current of {population.Name}");
                Add(filter, NirTypes.Integrator, ("r", Vector(Fill(size, 1 / dt))));
                AddSpiking(population, name, tauV is null ? NirTypes.IF : NirTypes.LIF, tauV is null ? If(threshold) : Lif(tauV, bias, threshold));
            }

            if (filter is not null)
            {
                _graph.Edges.Add((filter, name));
            }

            _entry[population] = filter ?? name;
            _exit[population] = name;
        }

        private void RequireNoVoltageBias(Population population, double[]? tauV, double[] bias)
        {
            if (tauV is null && bias.Any(b => b != 0))
            {
                throw new InvalidInputException(file, $"{population.Name}.bias", "a voltage bias on a neuron without voltage leak whose current has memory",
                    "a population NIR can express: IF has no leak potential to carry a voltage bias (use currentBias, or a voltage leak)");
            }
        }

        /// <summary>LIF with gain 1: τ = τ_v·dt, r = τ_v, v_leak = bias·τ_v.</summary>
        private (string, NirArray)[] Lif(double[] tauV, double[] bias, double[] threshold) =>
        [
            ("tau", Vector(tauV.Select(t => t * dt))),
            ("r", Vector(tauV)),
            ("v_leak", Vector(bias.Select((b, i) => b * tauV[i]))),
            ("v_threshold", Vector(threshold)),
            ("v_reset", Vector(new double[threshold.Length])),
        ];

        /// <summary>IF with gain 1: r = 1/dt.</summary>
        private (string, NirArray)[] If(double[] threshold) =>
        [
            ("r", Vector(Fill(threshold.Length, 1 / dt))),
            ("v_threshold", Vector(threshold)),
            ("v_reset", Vector(new double[threshold.Length])),
        ];

        /// <summary>The current as an LI with gain 1 (τ = τ_u·dt, r = τ_u) and the constant input as v_leak = currentBias·τ_u.</summary>
        private string AddLi(string name, double[] tauU, double[] currentBias)
        {
            var filter = Reserve($"{name}.current", $"the current of {name}");
            Add(filter, NirTypes.LI,
                ("tau", Vector(tauU.Select(t => t * dt))),
                ("r", Vector(tauU)),
                ("v_leak", Vector(currentBias.Select((b, i) => b * tauU[i]))));
            return filter;
        }

        private void AddSpiking(Population population, string name, string type, params (string, NirArray)[] parameters)
        {
            var node = Add(name, type, parameters);
            var c = population.CubaLif!;
            if (c.Reset == ResetMode.Subtract)
            {
                node.Metadata[ResetMetadataKey] = NirMetadataValue.Of("subtract");
                Cannot(population, "reset", $"resets by subtraction (v ← v − threshold), where {type} resets to v_reset = 0");
            }

            if (c.Refractory.Max != 0 || c.Refractory.Min != 0)
            {
                node.Metadata[RefractoryMetadataKey] = NirMetadataValue.Of(Vector(c.Refractory.Expand(population.Size)));
                Cannot(population, "refractory", $"is silent for up to {c.Refractory.Max} steps after a spike");
            }

            if (c.VoltageMin is { } vMin)
            {
                node.Metadata[VoltageMinMetadataKey] = NirMetadataValue.Of(Vector(vMin.Expand(population.Size)));
                Cannot(population, "vMin", "clamps its voltage from below (vMin)");
            }

            if (c.VoltageMax is { } vMax)
            {
                node.Metadata[VoltageMaxMetadataKey] = NirMetadataValue.Of(Vector(vMax.Expand(population.Size)));
                Cannot(population, "vMax", "clamps its voltage from above (vMax)");
            }
        }

        private void AddProjection(Projection projection)
        {
            var name = Reserve(projection.Name, $"projection {projection.Name}");
            if (projection.Connections is not null)
            {
                Notes.Add($"projection {projection.Name} connects {projection.SynapseCount:N0} of {(long)projection.From.Size * projection.To.Size:N0} pairs; NIR's Linear has no sparsity, so it is written (and reads back) dense, with weight 0 where there is no synapse");
            }

            var weight = NirArray.Matrix(projection.Weights, projection.To.Size, projection.From.Size);
            var node = _pendingBias.Remove(projection.To, out var bias)
                ? Add(name, NirTypes.Affine, ("weight", weight), ("bias", Vector(bias)))
                : Add(name, NirTypes.Linear, ("weight", weight));
            if (projection.TransposeOf is { } source)
            {
                node.Metadata[TransposeOfMetadataKey] = NirMetadataValue.Of(source);
            }

            _graph.Edges.Add((_exit[projection.From], name));
            _graph.Edges.Add((name, _entry[projection.To]));
        }

        private NirNode Add(string name, string type, params (string Key, NirArray Value)[] parameters)
        {
            var node = new NirNode(name, type, $"/node/nodes/{name}");
            foreach (var (key, value) in parameters)
            {
                node.Parameters[key] = value;
            }

            _graph.Nodes.Add(node);
            return node;
        }

        /// <summary>A node name: the wanted one unless HDF5 forbids it ('/') or it is taken.</summary>
        private string Reserve(string wanted, string what)
        {
            var name = wanted.Replace('/', '_');
            if (name is "" or "." or "..")
            {
                name = $"_{name}";
            }

            var candidate = name;
            for (var k = 2; !_names.Add(candidate); k++)
            {
                candidate = $"{name}_{k}";
            }

            if (candidate != wanted)
            {
                Notes.Add($"{what} is the NIR node \"{candidate}\"");
            }

            return candidate;
        }

        private static double[] Fill(int size, double value)
        {
            var values = new double[size];
            Array.Fill(values, value);
            return values;
        }

        private static NirArray Vector(IEnumerable<double> values) => NirArray.Vector(values.ToArray());
    }
}
