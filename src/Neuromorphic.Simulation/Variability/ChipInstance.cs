using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Random;
using Neuromorphic.Mapping;
using Neuromorphic.Mapping.Quantization;

namespace Neuromorphic.Simulation.Variability;

/// <summary>Keys of the variability streams: (seed, kind, core, item) → one draw.</summary>
internal enum VariabilityStream : ulong
{
    Threshold = 1,
    Decay = 2,
    Weight = 3,
    ClockSkew = 4,
    LatencyJitter = 5,
    EnergyScale = 6,
    Encoder = 7,
}

/// <summary>
/// One manufactured instance of a mapped chip: its parameters after device variability, drawn once
/// from the run's seed with the counter-based RNG keyed by (seed, core, neuron or synapse,
/// parameter) — so each value is independent of thread count and iteration order — and laid out
/// in <em>slot order</em> (neurons of core 0, then core 1, …) for the engine. Zero variability
/// reproduces the nominal mapped chip exactly. Read-only once built; shared by all workers.
/// </summary>
public sealed class ChipInstance
{
    public required MappedNetwork Mapped { get; init; }
    public required bool Ideal { get; init; }

    /// <summary>True: bit-accurate Loihi fixed point; false: float dynamics (float chips and ideal runs).</summary>
    public required bool FixedPoint { get; init; }

    public required ulong Seed { get; init; }
    public required CostTable Costs { get; init; }
    public required VariabilitySpec Variability { get; init; }

    // Per slot (slot = position in MappedNetwork.CoreNeurons).
    public required int[] NeuronOfSlot { get; init; }
    public required int[] SlotOfNeuron { get; init; }
    public required int[] CoreOfSlot { get; init; }
    public required bool[] IsInput { get; init; }
    public required int[] DecayUField { get; init; }
    public required int[] DecayVField { get; init; }
    public required int[] ThresholdUnits { get; init; }
    public required int[] BiasUnits { get; init; }
    public required int[] VMinUnits { get; init; }
    public required int[] VMaxUnits { get; init; }
    public required float[] DecayU { get; init; }
    public required float[] DecayV { get; init; }
    public required float[] Threshold { get; init; }
    public required float[] Bias { get; init; }
    public required float[] CurrentBias { get; init; }
    public required float[] VMin { get; init; }
    public required float[] VMax { get; init; }
    public required bool[] SubtractiveReset { get; init; }
    public required int[] Refractory { get; init; }

    /// <summary>State units per float unit per slot (1 for float dynamics).</summary>
    public required double[] UnitsPerFloat { get; init; }

    // Synapses, in the mapped order, after weight mismatch.
    public required int[] WeightUnits { get; init; }
    public required float[] WeightFloat { get; init; }

    /// <summary>Runs of contiguous targets: message m owns runs [RunStart[m], RunStart[m+1]).</summary>
    public required int[] RunStart { get; init; }
    public required int[] RunTargetSlot { get; init; }
    public required int[] RunLength { get; init; }
    public required int[] RunWeightOffset { get; init; }

    /// <summary>Synapses per message.</summary>
    public required int[] MessageSynapses { get; init; }

    /// <summary>Hops of each message's route, packed one byte per direction: east | west ≪ 8 | north ≪ 16 | south ≪ 24.</summary>
    public required int[] MessageHops { get; init; }

    /// <summary>Per-core clock period factor (async mode).</summary>
    public required double[] ClockFactor { get; init; }

    public int CoreCount => Mapped.CoreCount;

    /// <param name="mapped">The mapped network.</param>
    /// <param name="seed">Seed of the variability draws.</param>
    /// <param name="ideal">The network's own float arithmetic, without variability.</param>
    /// <param name="gradedMessages">The run sends graded spikes: the cost table takes the chip's graded costs (<see cref="CostTable.FromChip"/>).</param>
    public static ChipInstance Create(MappedNetwork mapped, ulong seed, bool ideal, bool gradedMessages = false)
    {
        var chip = mapped.Chip;
        var variability = ideal ? VariabilitySpec.None : chip.Variability;
        var fixedPoint = !ideal && chip.Core.Kernel == NeuronKernel.LoihiFixed;
        var n = mapped.NeuronCount;
        var neuronOfSlot = mapped.CoreNeurons;
        var slotOfNeuron = new int[n];
        var coreOfSlot = new int[n];
        for (var c = 0; c < mapped.CoreCount; c++)
        {
            for (var s = mapped.CoreNeuronStart[c]; s < mapped.CoreNeuronStart[c + 1]; s++)
            {
                slotOfNeuron[neuronOfSlot[s]] = s;
                coreOfSlot[s] = c;
            }
        }

        T[] Permute<T>(T[] byNeuron)
        {
            var result = new T[n];
            for (var s = 0; s < n; s++)
            {
                result[s] = byNeuron[neuronOfSlot[s]];
            }

            return result;
        }

        var thresholdUnits = Permute(mapped.ThresholdUnits);
        var decayUField = Permute(mapped.DecayUField);
        var threshold = Permute(mapped.Threshold);
        var decayU = Permute(mapped.DecayU);
        if (!variability.Threshold.IsNone || !variability.Decay.IsNone)
        {
            for (var s = 0; s < n; s++)
            {
                var neuron = (ulong)neuronOfSlot[s];
                var core = (ulong)coreOfSlot[s];
                if (!variability.Threshold.IsNone)
                {
                    var f = Factor(variability.Threshold, seed, VariabilityStream.Threshold, core, neuron);
                    threshold[s] = (float)(threshold[s] * f);
                    thresholdUnits[s] = (int)Math.Max(1, Math.Round(thresholdUnits[s] * f));
                }

                if (!variability.Decay.IsNone)
                {
                    var f = Factor(variability.Decay, seed, VariabilityStream.Decay, core, neuron);
                    decayU[s] = (float)Math.Clamp(decayU[s] * f, 1.0 / LoihiFixedPoint.DecayOne, 1.0);
                    decayUField[s] = LoihiFixedPoint.CurrentDecayField(LoihiFixedPoint.CurrentDecayFraction(decayUField[s]) * f);
                }
            }
        }

        var weightUnits = mapped.SynapseWeightUnits;
        var weightFloat = mapped.SynapseWeightFloat;
        if (!variability.Weight.IsNone)
        {
            weightUnits = (int[])weightUnits.Clone();
            weightFloat = (float[])weightFloat.Clone();
            var sigma = variability.Weight;
            Parallel.For(0, mapped.MessageCount, m =>
            {
                var core = (ulong)mapped.MessageDestinationCore[m];
                for (var s = mapped.SynapseStart[m]; s < mapped.SynapseStart[m + 1]; s++)
                {
                    var f = Factor(sigma, seed, VariabilityStream.Weight, core, (ulong)s);
                    weightFloat[s] = (float)(weightFloat[s] * f);
                    if (weightUnits.Length > 0)
                    {
                        weightUnits[s] = (int)Math.Round(weightUnits[s] * f);
                    }
                }
            });
        }

        // Contiguous runs of targets per message (dense projections give one run per block).
        var runStart = new int[mapped.MessageCount + 1];
        var runTarget = new List<int>();
        var runLength = new List<int>();
        var runOffset = new List<int>();
        for (var m = 0; m < mapped.MessageCount; m++)
        {
            runStart[m] = runTarget.Count;
            var baseSlot = mapped.CoreNeuronStart[mapped.MessageDestinationCore[m]];
            var s = mapped.SynapseStart[m];
            var end = mapped.SynapseStart[m + 1];
            while (s < end)
            {
                var first = s;
                while (s + 1 < end && mapped.SynapseTargetLocal[s + 1] == mapped.SynapseTargetLocal[s] + 1)
                {
                    s++;
                }

                runTarget.Add(baseSlot + mapped.SynapseTargetLocal[first]);
                runLength.Add(s - first + 1);
                runOffset.Add(first);
                s++;
            }
        }

        runStart[mapped.MessageCount] = runTarget.Count;
        var messageSynapses = new int[mapped.MessageCount];
        var messageHops = new int[mapped.MessageCount];
        for (var g = 0; g < n; g++)
        {
            for (var m = mapped.MessageStart[g]; m < mapped.MessageStart[g + 1]; m++)
            {
                messageSynapses[m] = mapped.SynapseStart[m + 1] - mapped.SynapseStart[m];
                var route = mapped.Route(mapped.NeuronCore[g], mapped.MessageDestinationCore[m]);
                if (Math.Max(Math.Max(route.East, route.West), Math.Max(route.North, route.South)) > 255)
                {
                    throw new NotSupportedException("meshes wider than 256 tiles are not supported");
                }

                messageHops[m] = route.East | route.West << 8 | route.North << 16 | route.South << 24;
            }
        }

        var clock = new double[mapped.CoreCount];
        for (var c = 0; c < clock.Length; c++)
        {
            clock[c] = variability.ClockSkew.IsNone ? 1.0 : Factor(variability.ClockSkew, seed, VariabilityStream.ClockSkew, (ulong)c, 0);
        }

        var energyScale = variability.EnergyScale.IsNone ? 1.0 : Factor(variability.EnergyScale, seed, VariabilityStream.EnergyScale, 0, 0);
        var subtract = Permute(mapped.Reset).Select(r => r == Neuromorphic.Core.Networks.ResetMode.Subtract).ToArray();
        return new ChipInstance
        {
            Mapped = mapped,
            Ideal = ideal,
            FixedPoint = fixedPoint,
            Seed = seed,
            Costs = CostTable.FromChip(chip, mapped.TilesInUse, energyScale, gradedMessages),
            Variability = variability,
            NeuronOfSlot = neuronOfSlot,
            SlotOfNeuron = slotOfNeuron,
            CoreOfSlot = coreOfSlot,
            IsInput = Permute(mapped.IsInput),
            DecayUField = decayUField,
            DecayVField = Permute(mapped.DecayVField),
            ThresholdUnits = thresholdUnits,
            BiasUnits = Permute(mapped.BiasUnits),
            VMinUnits = Permute(mapped.VMinUnits),
            VMaxUnits = Permute(mapped.VMaxUnits),
            DecayU = decayU,
            DecayV = Permute(mapped.DecayV),
            Threshold = threshold,
            Bias = Permute(mapped.Bias),
            CurrentBias = Permute(mapped.CurrentBias),
            VMin = Permute(mapped.VMin),
            VMax = Permute(mapped.VMax),
            SubtractiveReset = subtract,
            Refractory = Permute(mapped.Refractory),
            UnitsPerFloat = fixedPoint ? Permute(mapped.UnitsPerFloat) : Enumerable.Repeat(1.0, n).ToArray(),
            WeightUnits = weightUnits,
            WeightFloat = weightFloat,
            RunStart = runStart,
            RunTargetSlot = runTarget.ToArray(),
            RunLength = runLength.ToArray(),
            RunWeightOffset = runOffset.ToArray(),
            MessageSynapses = messageSynapses,
            MessageHops = messageHops,
            ClockFactor = clock,
        };
    }

    /// <summary>A multiplicative factor with the variation's distribution: max(0, 1 + σ·N) or exp(σ·N).</summary>
    internal static double Factor(Variation variation, ulong seed, VariabilityStream stream, ulong core, ulong item)
    {
        var z = StandardNormal(seed, Philox.StreamId((ulong)stream, core, item), 0);
        return variation.Distribution switch
        {
            VariationDistribution.Normal => Math.Max(0, 1 + variation.RelativeSigma * z),
            VariationDistribution.LogNormal => Math.Exp(variation.RelativeSigma * z),
            _ => 1.0,
        };
    }

    /// <summary>A standard normal from one Philox block (Box–Muller on its two 64-bit halves).</summary>
    internal static double StandardNormal(ulong seed, ulong stream, ulong index)
    {
        var u1 = ((Philox.UInt64At(seed, stream, 2 * index) >> 11) + 0.5) * (1.0 / (1UL << 53));
        var u2 = Philox.ToUnitDouble(Philox.UInt64At(seed, stream, 2 * index + 1));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
