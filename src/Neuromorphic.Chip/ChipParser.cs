using System.Globalization;
using System.Text.Json.Nodes;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.IO;

namespace Neuromorphic.Chip;

/// <summary>Turns a resolved chip JSON object into a validated <see cref="ChipSpec"/>.</summary>
internal static class ChipParser
{
    private static readonly string[] TopKeys = ["schema", "name", "provenance", "description", "mesh", "noc", "core", "sync", "timing", "staticPowerMw", "staticPowerBasis", "variability", "learning"];
    private static readonly string[] CostKeys = ["energyPj", "latencyNs"];
    private static readonly string[] VariabilityKeys = ["threshold", "decay", "weight", "clockSkew", "latencyJitter", "energyScale"];

    public static ChipSpec Parse(JsonObject root, string file, string source)
    {
        var input = new JsonInput(file);
        input.RejectUnknownKeys(root, "$", TopKeys);
        var schema = input.RequiredString(root, "$", "schema");
        if (schema != ChipSpec.SchemaId)
        {
            throw input.Error("$.schema", $"\"{schema}\"", $"\"{ChipSpec.SchemaId}\"");
        }

        var name = input.RequiredString(root, "$", "name");
        var provenance = input.RequiredString(root, "$", "provenance");
        if (string.IsNullOrWhiteSpace(provenance))
        {
            throw input.Error("$.provenance", "\"\"", "a statement of where the numbers come from");
        }

        var mesh = input.RequiredObject(root, "$", "mesh");
        input.RejectUnknownKeys(mesh, "$.mesh", "width", "height", "coresPerTile", "linkBufferMessages");
        var meshSpec = new MeshSpec(
            Positive(input, mesh, "$.mesh", "width"),
            Positive(input, mesh, "$.mesh", "height"),
            Positive(input, mesh, "$.mesh", "coresPerTile"),
            Positive(input, mesh, "$.mesh", "linkBufferMessages"));
        if ((long)meshSpec.Width * meshSpec.Height * meshSpec.CoresPerTile > 1_000_000)
        {
            throw input.Error("$.mesh", $"{meshSpec.Width}×{meshSpec.Height}×{meshSpec.CoresPerTile} cores", "at most 1,000,000 cores");
        }

        var noc = input.RequiredObject(root, "$", "noc");
        input.RejectUnknownKeys(noc, "$.noc", "hop");
        var hop = input.RequiredObject(noc, "$.noc", "hop");
        input.RejectUnknownKeys(hop, "$.noc.hop", "east", "west", "north", "south");
        var nocSpec = new NocSpec(Cost(input, hop, "$.noc.hop", "east"), Cost(input, hop, "$.noc.hop", "west"),
            Cost(input, hop, "$.noc.hop", "north"), Cost(input, hop, "$.noc.hop", "south"));

        var core = input.RequiredObject(root, "$", "core");
        input.RejectUnknownKeys(core, "$.core", "kernel", "gradedSpikes", "limits", "messageIn", "synapticOp", "dendriteUpdate",
            "neuronAccess", "neuronUpdate", "spikeOut", "messageOut", "messagePayloadBits", "gradedSynapticOp", "gradedMessageIn", "gradedMessageOut");
        var kernelText = input.RequiredString(core, "$.core", "kernel");
        var kernel = kernelText switch
        {
            "loihi-fixed" => NeuronKernel.LoihiFixed,
            "float" => NeuronKernel.Float,
            _ => throw input.Error("$.core.kernel", $"\"{kernelText}\"", "\"loihi-fixed\" or \"float\""),
        };
        var graded = input.OptionalBool(core, "$.core", "gradedSpikes") ?? false;
        var coreSpec = new CoreSpec
        {
            Kernel = kernel,
            GradedSpikes = graded,
            MessagePayloadBits = PayloadBits(input, core, graded),
            GradedSynapticOp = OptionalCost(input, core, "$.core", "gradedSynapticOp", graded),
            GradedMessageIn = OptionalCost(input, core, "$.core", "gradedMessageIn", graded),
            GradedMessageOut = OptionalCost(input, core, "$.core", "gradedMessageOut", graded),
            Limits = Limits(input, input.RequiredObject(core, "$.core", "limits"), kernel),
            MessageIn = Cost(input, core, "$.core", "messageIn"),
            SynapticOp = Cost(input, core, "$.core", "synapticOp"),
            DendriteUpdate = Cost(input, core, "$.core", "dendriteUpdate"),
            NeuronAccess = Cost(input, core, "$.core", "neuronAccess"),
            NeuronUpdate = Cost(input, core, "$.core", "neuronUpdate"),
            SpikeOut = Cost(input, core, "$.core", "spikeOut"),
            MessageOut = Cost(input, core, "$.core", "messageOut"),
        };

        var sync = input.RequiredObject(root, "$", "sync");
        input.RejectUnknownKeys(sync, "$.sync", "barrier", "interpolate", "barrierEnergyPj");
        var table = input.RequiredArray(sync, "$.sync", "barrier");
        var entries = new List<(int, double)>();
        for (var i = 0; i < table.Count; i++)
        {
            var path = $"$.sync.barrier[{i}]";
            var entry = input.AsObject(table[i] ?? throw input.Error(path, "null", "{ \"tiles\": N, \"latencyNs\": L }"), path);
            input.RejectUnknownKeys(entry, path, "tiles", "latencyNs");
            var tiles = input.RequiredInt(entry, path, "tiles");
            if (tiles <= 0 || entries.Any(e => e.Item1 == tiles))
            {
                throw input.Error($"{path}.tiles", tiles.ToString(CultureInfo.InvariantCulture), "a positive number of tiles, not repeated");
            }

            entries.Add((tiles, Bounded(input, input.RequiredNumber(entry, path, "latencyNs"), $"{path}.latencyNs", AccountingBounds.MaxEventLatencyNs, "ns")));
        }

        if (entries.Count == 0)
        {
            throw input.Error("$.sync.barrier", "[]", "at least one entry, e.g. [{ \"tiles\": 1, \"latencyNs\": 113 }]");
        }

        entries.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        var barrierEnergy = input.OptionalNumber(sync, "$.sync", "barrierEnergyPj") ?? 0;
        Bounded(input, barrierEnergy, "$.sync.barrierEnergyPj", AccountingBounds.MaxEventEnergyPj, "pJ");
        var syncSpec = new SyncSpec(entries, input.OptionalBool(sync, "$.sync", "interpolate") ?? false, barrierEnergy);

        var timing = input.RequiredObject(root, "$", "timing");
        input.RejectUnknownKeys(timing, "$.timing", "asyncStepPeriodNs", "inputQueueMessages");
        var period = input.RequiredNumber(timing, "$.timing", "asyncStepPeriodNs");
        if (!(period > 0))
        {
            throw input.Error("$.timing.asyncStepPeriodNs", JsonInput.Format(period), "a positive period in ns");
        }

        Bounded(input, period, "$.timing.asyncStepPeriodNs", AccountingBounds.MaxEventLatencyNs, "ns");
        var queue = input.OptionalNumber(timing, "$.timing", "inputQueueMessages") ?? TimingSpec.DefaultInputQueueMessages;
        if (!(queue >= 1 && queue <= 1 << 20 && queue == Math.Floor(queue)))
        {
            throw input.Error("$.timing.inputQueueMessages", JsonInput.Format(queue), "a whole number of messages in 1..1048576");
        }

        var staticPower = Bounded(input, input.RequiredNumber(root, "$", "staticPowerMw"), "$.staticPowerMw", AccountingBounds.MaxStaticPowerMw, "mW");
        var basisName = input.OptionalString(root, "$", "staticPowerBasis");
        var basis = basisName is null
            ? (staticPower == 0 ? StaticPowerBasis.None : StaticPowerBasis.Assumed)
            : StaticPowerBases.TryParse(basisName, out var parsed)
                ? parsed
                : throw input.Error("$.staticPowerBasis", $"\"{basisName}\"", "measured, derived, assumed or none");
        if (basis == StaticPowerBasis.None && staticPower != 0)
        {
            throw input.Error("$.staticPowerBasis", "\"none\"", $"measured, derived or assumed (staticPowerMw is {JsonInput.Format(staticPower)}, not 0)");
        }

        var variability = VariabilitySpec.None;
        if (input.OptionalObject(root, "$", "variability") is { } v)
        {
            input.RejectUnknownKeys(v, "$.variability", VariabilityKeys);
            variability = new VariabilitySpec(
                Vary(input, v, "threshold"), Vary(input, v, "decay"), Vary(input, v, "weight"),
                Vary(input, v, "clockSkew"), Vary(input, v, "latencyJitter"), Vary(input, v, "energyScale"));
        }

        var learning = input.OptionalObject(root, "$", "learning") is { } l ? Learning(input, l) : null;
        var resolved = JsonText.Format(root);
        return new ChipSpec
        {
            Name = name,
            Provenance = provenance,
            Description = input.OptionalString(root, "$", "description"),
            Mesh = meshSpec,
            Noc = nocSpec,
            Core = coreSpec,
            Sync = syncSpec,
            Timing = new TimingSpec(period, (int)queue),
            StaticPowerMw = staticPower,
            StaticPowerBasis = basis,
            Variability = variability,
            Learning = learning,
            ResolvedJson = resolved,
            ContentHash = Hashing.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(resolved)),
            Source = source,
        };
    }

    private static CoreLimits Limits(JsonInput input, JsonObject limits, NeuronKernel kernel)
    {
        const string p = "$.core.limits";
        input.RejectUnknownKeys(limits, p, "neurons", "inputAxons", "outputAxons", "synapticMemoryBits", "compartmentPrototypes",
            "weightBits", "weightExponentMin", "weightExponentMax", "decayBits", "thresholdMantissaBits", "biasMantissaBits",
            "biasExponentMax", "refractoryMax", "delayBits");
        var result = new CoreLimits
        {
            Neurons = Positive(input, limits, p, "neurons"),
            InputAxons = Positive(input, limits, p, "inputAxons"),
            OutputAxons = Positive(input, limits, p, "outputAxons"),
            SynapticMemoryBits = (long)PositiveNumber(input, limits, p, "synapticMemoryBits"),
            CompartmentPrototypes = Range(input, limits, p, "compartmentPrototypes", 0, 1 << 20),
            WeightBits = Range(input, limits, p, "weightBits", 1, 24),
            WeightExponentMin = Range(input, limits, p, "weightExponentMin", -16, 16),
            WeightExponentMax = Range(input, limits, p, "weightExponentMax", -16, 16),
            DecayBits = Range(input, limits, p, "decayBits", 1, 24),
            ThresholdMantissaBits = Range(input, limits, p, "thresholdMantissaBits", 1, 24),
            BiasMantissaBits = Range(input, limits, p, "biasMantissaBits", 2, 24),
            BiasExponentMax = Range(input, limits, p, "biasExponentMax", 0, 16),
            RefractoryMax = Range(input, limits, p, "refractoryMax", 0, 1 << 20),
            DelayBits = Range(input, limits, p, "delayBits", 0, 8),
        };
        if (result.WeightExponentMin > result.WeightExponentMax)
        {
            throw input.Error($"{p}.weightExponentMin", result.WeightExponentMin.ToString(CultureInfo.InvariantCulture), $"at most weightExponentMax ({result.WeightExponentMax})");
        }

        if (kernel == NeuronKernel.LoihiFixed && (result.DecayBits != 12 || result.ThresholdMantissaBits + 6 > 23))
        {
            throw input.Error(p, $"decayBits {result.DecayBits}, thresholdMantissaBits {result.ThresholdMantissaBits}",
                "decayBits 12 and thresholdMantissaBits ≤ 17 for the loihi-fixed kernel (24-bit state, 12-bit decays)");
        }

        return result;
    }

    private static LearningSpec Learning(JsonInput input, JsonObject learning)
    {
        const string p = "$.learning";
        input.RejectUnknownKeys(learning, p, "provenance", "synapticUpdate", "traceUpdate", "traceBits", "maxEpochSteps");
        var provenance = input.RequiredString(learning, p, "provenance");
        if (string.IsNullOrWhiteSpace(provenance))
        {
            throw input.Error($"{p}.provenance", "\"\"", "a statement of where the learning costs come from");
        }

        return new LearningSpec(Cost(input, learning, p, "synapticUpdate"), Cost(input, learning, p, "traceUpdate"),
            Range(input, learning, p, "traceBits", 1, 16), Range(input, learning, p, "maxEpochSteps", 1, 1 << 20), provenance);
    }

    private static Variation Vary(JsonInput input, JsonObject variability, string key)
    {
        var path = $"$.variability.{key}";
        if (input.OptionalObject(variability, "$.variability", key) is not { } obj)
        {
            return Variation.None;
        }

        input.RejectUnknownKeys(obj, path, "distribution", "relativeSigma");
        var text = input.RequiredString(obj, path, "distribution");
        var distribution = text switch
        {
            "none" => VariationDistribution.None,
            "normal" => VariationDistribution.Normal,
            "lognormal" => VariationDistribution.LogNormal,
            _ => throw input.Error($"{path}.distribution", $"\"{text}\"", "\"none\", \"normal\" or \"lognormal\""),
        };
        var sigma = input.OptionalNumber(obj, path, "relativeSigma") ?? 0;
        if (sigma < 0 || sigma > 1)
        {
            throw input.Error($"{path}.relativeSigma", JsonInput.Format(sigma), "a relative sigma in [0, 1] (0.1 = 10 %)");
        }

        return new Variation(distribution, sigma);
    }

    /// <summary>The payload width: 0 without graded spikes; with them 1..<see cref="CoreSpec.MaxPayloadBits"/>, default <see cref="CoreSpec.DefaultPayloadBits"/>.</summary>
    private static int PayloadBits(JsonInput input, JsonObject core, bool graded)
    {
        var bits = input.OptionalInt(core, "$.core", "messagePayloadBits");
        if (!graded)
        {
            return bits is null or 0 ? 0
                : throw input.Error("$.core.messagePayloadBits", bits.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "0 or absent when core.gradedSpikes is false (binary spikes carry no payload)");
        }

        return bits switch
        {
            null => CoreSpec.DefaultPayloadBits,
            >= 1 and <= CoreSpec.MaxPayloadBits => bits.Value,
            _ => throw input.Error("$.core.messagePayloadBits", bits.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"1..{CoreSpec.MaxPayloadBits} payload bits with graded spikes (Lava's num_message_bits; above 24 the payload × 24-bit weight product is not exact in the engine's 64-bit arithmetic)"),
        };
    }

    private static EventCost? OptionalCost(JsonInput input, JsonObject parent, string path, string key, bool graded)
    {
        if (!parent.ContainsKey(key))
        {
            return null;
        }

        return graded ? Cost(input, parent, path, key) : throw input.Error($"{path}.{key}", "given", "graded costs only when core.gradedSpikes is true");
    }

    private static EventCost Cost(JsonInput input, JsonObject parent, string path, string key)
    {
        var obj = input.RequiredObject(parent, path, key);
        var p = $"{path}.{key}";
        input.RejectUnknownKeys(obj, p, CostKeys);
        var energy = Bounded(input, input.RequiredNumber(obj, p, "energyPj"), $"{p}.energyPj", AccountingBounds.MaxEventEnergyPj, "pJ");
        var latency = Bounded(input, input.RequiredNumber(obj, p, "latencyNs"), $"{p}.latencyNs", AccountingBounds.MaxEventLatencyNs, "ns");
        return new EventCost(energy, latency);
    }

    /// <summary>A value in [0, <paramref name="max"/>]: energies, latencies and powers are not negative, and stay within what the integer accounting can sum (<see cref="AccountingBounds"/>).</summary>
    private static double Bounded(JsonInput input, double value, string path, double max, string unit)
    {
        if (value < 0)
        {
            throw input.Error(path, JsonInput.Format(value), "a value ≥ 0 (energies, latencies and powers cannot be negative)");
        }

        if (value > max)
        {
            throw input.Error(path, JsonInput.Format(value),
                $"at most {JsonInput.Format(max)} {unit} (the bound that keeps the integer fJ and ps sums of an inference exact; see chip-models/README.md)");
        }

        return value;
    }

    private static int Positive(JsonInput input, JsonObject obj, string path, string key)
    {
        var value = input.RequiredInt(obj, path, key);
        if (value <= 0)
        {
            throw input.Error($"{path}.{key}", value.ToString(CultureInfo.InvariantCulture), "a positive integer");
        }

        return value;
    }

    private static double PositiveNumber(JsonInput input, JsonObject obj, string path, string key)
    {
        var value = input.RequiredNumber(obj, path, key);
        if (!(value > 0) || value != Math.Floor(value))
        {
            throw input.Error($"{path}.{key}", JsonInput.Format(value), "a positive integer");
        }

        return value;
    }

    private static int Range(JsonInput input, JsonObject obj, string path, string key, int min, int max)
    {
        var value = input.RequiredInt(obj, path, key);
        if (value < min || value > max)
        {
            throw input.Error($"{path}.{key}", value.ToString(CultureInfo.InvariantCulture), $"an integer in {min}..{max}");
        }

        return value;
    }
}
