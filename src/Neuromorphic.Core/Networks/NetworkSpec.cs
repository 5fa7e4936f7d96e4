using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Neuromorphic.Core.Networks;

/// <summary>How the network's answer is read.</summary>
/// <param name="Population">The population whose neurons are the classes.</param>
/// <param name="Method">"spike-count": the class is the neuron with the most spikes over the window.</param>
public sealed record Readout(string Population, string Method = "spike-count");

/// <summary>
/// A network as a user trained or wrote it, independent of any chip: the in-memory form of a
/// <c>neuromorphic.network/1</c> file (see <see cref="NetworkFile"/>). Neurons are numbered
/// globally, population after population, in file order.
/// </summary>
public sealed class NetworkSpec
{
    public const string SchemaId = "neuromorphic.network/1";

    private string? _hash;

    public NetworkSpec(string name, IReadOnlyList<Population> populations, IReadOnlyList<Projection> projections,
        Readout? readout = null, JsonObject? training = null)
    {
        Name = name;
        Populations = populations;
        Projections = projections;
        Readout = readout;
        Training = training;
        var offset = 0;
        foreach (var population in populations)
        {
            population.FirstNeuron = offset;
            offset += population.Size;
        }

        NeuronCount = offset;
    }

    public string Name { get; }
    public IReadOnlyList<Population> Populations { get; }
    public IReadOnlyList<Projection> Projections { get; }
    public Readout? Readout { get; }

    /// <summary>Free-form training metadata (command line, seed, dataset hash, metrics, …).</summary>
    public JsonObject? Training { get; }

    /// <summary>The file the network was read from (used in error messages), or null for a network built in memory.</summary>
    public string? SourceFile { get; init; }

    /// <summary>
    /// Sidecar files (as the network file names them) that were read without a recorded SHA-256:
    /// files written before sidecars were bound to their network file. Their weights load but
    /// cannot be checked against the JSON; saving the network again records the hashes.
    /// </summary>
    public IReadOnlyList<string> UnverifiedSidecars { get; init; } = [];

    public int NeuronCount { get; }

    public long SynapseCount => Projections.Sum(p => p.SynapseCount);

    public Population? FindPopulation(string name) => Populations.FirstOrDefault(p => p.Name == name);

    public Population GetPopulation(string name) =>
        FindPopulation(name) ?? throw new KeyNotFoundException($"network {Name} has no population named '{name}'");

    public Projection? FindProjection(string name) => Projections.FirstOrDefault(p => p.Name == name);

    /// <summary>The population that is driven from outside (the first <c>input</c> population).</summary>
    public Population? InputPopulation => Populations.FirstOrDefault(p => p.Model == NeuronModel.Input);

    /// <summary>
    /// SHA-256 (hex) of what determines the network's behaviour and mapping: populations, their
    /// parameters and pins, projections and weights, read-out. The name and the training metadata
    /// are left out, and so is whether weights were stored inline or in a sidecar.
    /// </summary>
    public string ContentHash => _hash ??= ComputeHash();

    private string ComputeHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            Int(bytes.Length);
            sha.AppendData(bytes);
        }

        void Int(long v)
        {
            Span<byte> b = stackalloc byte[8];
            BitConverter.TryWriteBytes(b, v);
            sha.AppendData(b);
        }

        void Param(PerNeuron? p)
        {
            if (p is null)
            {
                Int(-1);
                return;
            }

            Int(p.Length ?? 0);
            foreach (var v in p.Values)
            {
                Int(BitConverter.DoubleToInt64Bits(v));
            }
        }

        Text(SchemaId);
        Int(Populations.Count);
        foreach (var pop in Populations)
        {
            Text(pop.Name);
            Int(pop.Size);
            Int((int)pop.Model);
            if (pop.CubaLif is { } c)
            {
                Param(c.TauCurrent);
                Param(c.TauVoltage);
                Param(c.Threshold);
                Param(c.Bias);
                Int((int)c.Reset);
                Param(c.Refractory);
                if (!c.HasNoCurrentBias)
                {
                    // Hashed only when present, so that networks without it keep their hash.
                    Text("currentBias");
                    Param(c.CurrentBias);
                }

                if (c.VoltageMin is not null || c.VoltageMax is not null)
                {
                    Text("voltageRange");
                    Param(c.VoltageMin);
                    Param(c.VoltageMax);
                }
            }

            if (pop.EpRate is { } e)
            {
                Param(e.Dt);
                Param(e.Bias);
            }

            Int(pop.Placement.Count);
            foreach (var pin in pop.Placement)
            {
                Int(pin.TileX);
                Int(pin.TileY);
                Int(pin.Core);
                Int(pin.FirstNeuron);
                Int(pin.Count ?? -1);
            }
        }

        Int(Projections.Count);
        foreach (var proj in Projections)
        {
            Text(proj.Name);
            Text(proj.From.Name);
            Text(proj.To.Name);
            Text(proj.TransposeOf ?? "");
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(proj.Weights.AsSpan()));
        }

        Text(Readout?.Population ?? "");
        Text(Readout?.Method ?? "");
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
