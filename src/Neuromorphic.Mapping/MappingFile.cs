using System.Text.Json.Nodes;
using Neuromorphic.Chip;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping.Quantization;

namespace Neuromorphic.Mapping;

/// <summary>
/// Reads and writes <c>neuromorphic.mapping/1</c> files: the decisions of a mapping plus the
/// hashes of the network and chip it was made for, and (for people, ignored when reading) a
/// summary with per-core resource use and quantization error. Writing is atomic.
/// </summary>
public static class MappingFile
{
    public static void Save(MappingPlan plan, string path, MappingReport? report = null) =>
        AtomicFile.WriteAllText(path, Serialize(plan, report));

    /// <summary>SHA-256 of the plan's decisions (the file without its summary): identifies a mapping in traces.</summary>
    public static string Hash(MappingPlan plan) => Hashing.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(Serialize(plan, null)));

    /// <summary>The file's text.</summary>
    public static string Serialize(MappingPlan plan, MappingReport? report)
    {
        var root = new JsonObject
        {
            ["schema"] = MappingPlan.SchemaId,
            ["tool"] = plan.ToolVersion,
            ["network"] = new JsonObject { ["name"] = plan.NetworkName, ["hash"] = plan.NetworkHash },
            ["chip"] = new JsonObject { ["name"] = plan.ChipName, ["hash"] = plan.ChipHash },
            ["placement"] = new JsonObject { ["trafficHopsGreedy"] = plan.TrafficHopsGreedy, ["trafficHopsFinal"] = plan.TrafficHopsFinal },
            ["options"] = new JsonObject { ["prototypes"] = plan.Prototypes.Name(), ["objective"] = plan.Objective.Name(), ["decayCompensation"] = plan.DecayCompensation },
        };
        var scales = new JsonObject();
        foreach (var (population, k) in plan.PopulationScaleLog2.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            scales[population] = k;
        }

        root["scaleLog2"] = scales;
        var cores = new JsonArray();
        foreach (var core in plan.Cores)
        {
            var slices = new JsonArray();
            foreach (var slice in core.Slices)
            {
                var s = new JsonObject { ["population"] = slice.Population, ["first"] = slice.First, ["count"] = slice.Count };
                if (slice.DecayU is { } decays)
                {
                    s["decayU"] = new JsonArray(decays.Select(d => (JsonNode)JsonValue.Create(d)).ToArray());
                }

                slices.Add(s);
            }

            var obj = new JsonObject { ["tile"] = new JsonArray(core.TileX, core.TileY), ["slot"] = core.Slot, ["slices"] = slices };
            if (core.Pinned)
            {
                obj["pinned"] = true;
            }

            cores.Add(obj);
        }

        root["cores"] = cores;
        var groups = new JsonArray();
        foreach (var group in plan.SynapseGroups)
        {
            groups.Add(new JsonObject
            {
                ["projection"] = group.Projection,
                ["core"] = group.Core,
                ["weightExponent"] = group.WeightExponent,
                ["signMode"] = group.SignMode.ToString().ToLowerInvariant(),
            });
        }

        root["synapseGroups"] = groups;
        if (report is not null)
        {
            root["summary"] = report.ToJson();
        }

        return JsonText.Format(root);
    }

    /// <summary>Reads a mapping file and checks it belongs to <paramref name="network"/> and <paramref name="chip"/>.</summary>
    public static MappingPlan Load(string path, NetworkSpec network, ChipSpec chip)
    {
        var (input, root) = JsonInput.Load(path);
        input.RejectUnknownKeys(root, "$", "schema", "tool", "network", "chip", "placement", "options", "scaleLog2", "cores", "synapseGroups", "summary");
        var schema = input.RequiredString(root, "$", "schema");
        if (schema != MappingPlan.SchemaId)
        {
            throw input.Error("$.schema", $"\"{schema}\"", $"\"{MappingPlan.SchemaId}\"");
        }

        var net = input.RequiredObject(root, "$", "network");
        var netHash = input.RequiredString(net, "$.network", "hash");
        if (netHash != network.ContentHash)
        {
            throw input.Error("$.network.hash", Hashing.Short(netHash), $"{Hashing.Short(network.ContentHash)}, the hash of network '{network.Name}' (the mapping was made for another network; map it again)");
        }

        var chipObj = input.RequiredObject(root, "$", "chip");
        var chipHash = input.RequiredString(chipObj, "$.chip", "hash");
        if (chipHash != chip.ContentHash)
        {
            throw input.Error("$.chip.hash", Hashing.Short(chipHash), $"{Hashing.Short(chip.ContentHash)}, the hash of chip '{chip.Name}' (the mapping was made for another chip; map it again)");
        }

        var placement = input.OptionalObject(root, "$", "placement") ?? [];
        var options = input.OptionalObject(root, "$", "options") ?? [];
        var scales = new Dictionary<string, int>();
        foreach (var (population, value) in input.OptionalObject(root, "$", "scaleLog2") ?? [])
        {
            if (network.FindPopulation(population) is null)
            {
                throw input.Error($"$.scaleLog2.{population}", $"\"{population}\"", $"a population of network '{network.Name}' ({string.Join(", ", network.Populations.Select(p => p.Name))})");
            }

            scales[population] = input.AsInt(value ?? throw input.Error($"$.scaleLog2.{population}", "null", "an integer"), $"$.scaleLog2.{population}");
        }

        var cores = new List<CoreAssignment>();
        var coreArray = input.RequiredArray(root, "$", "cores");
        for (var c = 0; c < coreArray.Count; c++)
        {
            var p = $"$.cores[{c}]";
            var obj = input.AsObject(coreArray[c]!, p);
            input.RejectUnknownKeys(obj, p, "tile", "slot", "slices", "pinned");
            var tile = input.RequiredArray(obj, p, "tile");
            if (tile.Count != 2)
            {
                throw input.Error($"{p}.tile", JsonInput.Show(tile), "[x, y]");
            }

            var slices = new List<CoreSlice>();
            var sliceArray = input.RequiredArray(obj, p, "slices");
            for (var s = 0; s < sliceArray.Count; s++)
            {
                var sp = $"{p}.slices[{s}]";
                var slice = input.AsObject(sliceArray[s]!, sp);
                input.RejectUnknownKeys(slice, sp, "population", "first", "count", "decayU");
                double[]? decays = null;
                if (input.OptionalArray(slice, sp, "decayU") is { } d)
                {
                    decays = d.Select((v, i) =>
                    {
                        var value = input.AsNumber(v!, $"{sp}.decayU[{i}]");
                        return value is > 0 and <= 1 ? value : throw input.Error($"{sp}.decayU[{i}]", JsonInput.Format(value), "a decay fraction in (0, 1]");
                    }).ToArray();
                }

                var sliceOf = input.RequiredString(slice, sp, "population");
                if (network.FindPopulation(sliceOf) is null)
                {
                    throw input.Error($"{sp}.population", $"\"{sliceOf}\"", $"a population of network '{network.Name}' ({string.Join(", ", network.Populations.Select(p => p.Name))})");
                }

                slices.Add(new CoreSlice(sliceOf, input.RequiredInt(slice, sp, "first"), input.RequiredInt(slice, sp, "count"), decays));
            }

            cores.Add(new CoreAssignment(input.AsInt(tile[0]!, $"{p}.tile[0]"), input.AsInt(tile[1]!, $"{p}.tile[1]"), input.RequiredInt(obj, p, "slot"),
                slices, input.OptionalBool(obj, p, "pinned") ?? false));
        }

        var groups = new List<SynapseGroupPlan>();
        var firstGroup = new Dictionary<(string, int), int>();
        var groupArray = input.OptionalArray(root, "$", "synapseGroups") ?? [];
        for (var i = 0; i < groupArray.Count; i++)
        {
            var p = $"$.synapseGroups[{i}]";
            var obj = input.AsObject(groupArray[i]!, p);
            input.RejectUnknownKeys(obj, p, "projection", "core", "weightExponent", "signMode");
            var modeText = input.RequiredString(obj, p, "signMode");
            var mode = modeText switch
            {
                "mixed" => WeightSignMode.Mixed,
                "excitatory" => WeightSignMode.Excitatory,
                "inhibitory" => WeightSignMode.Inhibitory,
                _ => throw input.Error($"{p}.signMode", $"\"{modeText}\"", "\"mixed\", \"excitatory\" or \"inhibitory\""),
            };
            var group = new SynapseGroupPlan(input.RequiredString(obj, p, "projection"), input.RequiredInt(obj, p, "core"), input.RequiredInt(obj, p, "weightExponent"), mode);
            if (network.FindProjection(group.Projection) is null)
            {
                throw input.Error($"{p}.projection", $"\"{group.Projection}\"", $"a projection of network '{network.Name}' ({string.Join(", ", network.Projections.Select(q => q.Name))})");
            }

            if (group.Core < 0 || group.Core >= cores.Count)
            {
                throw input.Error($"{p}.core", group.Core.ToString(System.Globalization.CultureInfo.InvariantCulture), $"a core of this mapping (0..{cores.Count - 1})");
            }

            if (firstGroup.TryGetValue((group.Projection, group.Core), out var earlier))
            {
                throw input.Error(p, $"a second synapse group for projection '{group.Projection}' on core {group.Core}",
                    $"one synapse group per projection and core ($.synapseGroups[{earlier}] already gives it{(groups[earlier] == group ? "" : ", with another exponent or sign mode")})");
            }

            firstGroup[(group.Projection, group.Core)] = i;
            groups.Add(group);
        }

        return new MappingPlan
        {
            NetworkName = input.OptionalString(net, "$.network", "name") ?? network.Name,
            NetworkHash = netHash,
            ChipName = input.OptionalString(chipObj, "$.chip", "name") ?? chip.Name,
            ChipHash = chipHash,
            ToolVersion = input.OptionalString(root, "$", "tool") ?? "unknown",
            Cores = cores,
            PopulationScaleLog2 = scales,
            SynapseGroups = groups,
            TrafficHopsGreedy = input.OptionalNumber(placement, "$.placement", "trafficHopsGreedy") ?? 0,
            TrafficHopsFinal = input.OptionalNumber(placement, "$.placement", "trafficHopsFinal") ?? 0,
            Prototypes = MappingOptionNames.ParsePrototypes(input.OptionalString(options, "$.options", "prototypes")),
            Objective = MappingOptionNames.ParseObjective(input.OptionalString(options, "$.options", "objective")),
            DecayCompensation = input.OptionalBool(options, "$.options", "decayCompensation") ?? true,
        };
    }
}
