using Neuromorphic.Mapping.Partitioning;
using Neuromorphic.Mapping.Quantization;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Learning;

/// <summary>
/// The plastic synapses of a chip instance and the sum-of-products rule applied to them at the end of
/// each learning epoch, as a signed pair: the +β epoch writes the Hebbian product x·y of the pre
/// trace x and post trace y into the synapse's tag, the −β epoch subtracts its own x·y and commits
/// Δw = η/(2β)·(tag − x·y) to the weight, in the weight's own fixed-point levels, stochastically
/// rounded and clamped to the weight width. (Applying +η/(2β)·x·y to the weight itself at the end of
/// the +β epoch would move every weight by a whole Hebbian term — comparable to the weights — before
/// the −β phase runs, and round twice; the tag is the synaptic state Loihi's rules can write besides
/// the weight.)
/// Every synapse of the network is plastic; each keeps its projection (and so its learning rate)
/// and the factor that turns a change of the model's weight W into a change of the chip weight:
/// the realization scales the weights into an HTS-EP neuron by its own dt (and by a clustered
/// decay's input gain), so a synapse into neuron i changes by dt_i·gain_i·ΔW. Feedback synapses
/// (the mirror W_kᵀ) run the same rule with their own traces — the product is the same pair of
/// neurons' — so forward and feedback weights stay tied in expectation, each rounded on its own.
/// </summary>
internal sealed class PlasticSynapses
{
    private readonly ChipInstance _chip;
    private readonly int[] _synapse;
    private readonly int[] _preSlot;
    private readonly int[] _postSlot;
    private readonly int[] _level;
    private readonly float[] _coefficient;
    private readonly int[] _unitsPerLevel;
    private readonly float[] _factor;
    private readonly double[] _levelToWeight;
    private readonly int[] _projectionOf;
    private readonly int[] _levelMin;
    private readonly int[] _levelMax;
    private readonly int[] _tag;

    /// <param name="chip">The chip instance whose weights learn (changed in place).</param>
    /// <param name="postScale">Per neuron (global index): how much a unit change of W moves its incoming realized weight (dt for an HTS-EP neuron, 1 otherwise).</param>
    /// <param name="rateOf">Per projection index: η/(2β) for its synapses (0: not plastic).</param>
    /// <param name="weightBits">The weight width learning runs at (at most the chip's).</param>
    /// <param name="headroom">Range kept above the largest initial weight when the learning exponent is chosen (2 = one bit).</param>
    public PlasticSynapses(ChipInstance chip, double[] postScale, double[] rateOf, int weightBits, double headroom)
    {
        _chip = chip;
        var mapped = chip.Mapped;
        var network = mapped.Realization.Network;
        var populationOf = new int[mapped.NeuronCount];
        for (var p = 0; p < network.Populations.Count; p++)
        {
            var pop = network.Populations[p];
            Array.Fill(populationOf, p, pop.FirstNeuron, pop.Size);
        }

        var projectionOfPair = new Dictionary<(int, int), int>();
        for (var j = 0; j < network.Projections.Count; j++)
        {
            var pr = network.Projections[j];
            var key = (network.Populations.ToList().IndexOf(pr.From), network.Populations.ToList().IndexOf(pr.To));
            if (!projectionOfPair.TryAdd(key, j))
            {
                throw new ArgumentException($"projections '{network.Projections[projectionOfPair[key]].Name}' and '{pr.Name}' join the same populations: on-chip learning needs one projection per pair");
            }
        }

        var count = checked((int)mapped.SynapseCount);
        _synapse = new int[count];
        _preSlot = new int[count];
        _postSlot = new int[count];
        _projectionOf = new int[count];
        var i = 0;
        for (var pre = 0; pre < mapped.NeuronCount; pre++)
        {
            for (var m = mapped.MessageStart[pre]; m < mapped.MessageStart[pre + 1]; m++)
            {
                var destination = mapped.MessageDestinationCore[m];
                for (var s = mapped.SynapseStart[m]; s < mapped.SynapseStart[m + 1]; s++)
                {
                    var post = mapped.CoreNeurons[mapped.CoreNeuronStart[destination] + mapped.SynapseTargetLocal[s]];
                    _synapse[i] = s;
                    _preSlot[i] = chip.SlotOfNeuron[pre];
                    _postSlot[i] = chip.SlotOfNeuron[post];
                    _projectionOf[i] = projectionOfPair[(populationOf[pre], populationOf[post])];
                    i++;
                }
            }
        }

        Count = i;
        ProjectionCount = network.Projections.Count;
        _factor = new float[count];
        for (var k = 0; k < count; k++)
        {
            var nominal = mapped.SynapseWeightFloat[_synapse[k]];
            var actual = chip.WeightFloat[_synapse[k]];
            _factor[k] = nominal == 0 ? 1f : actual / nominal;
        }

        // Per projection: the exponent learning runs at, from the largest initial weight with headroom.
        var limits = mapped.Chip.Core.Limits;
        // A narrower weight is stored in the top bits of the chip's weight field (Lava: shift = 8 − bits), so it keeps the exponent range.
        var bits = Math.Min(weightBits, limits.WeightBits);
        var narrowing = limits.WeightBits - bits;
        var (step, min, max) = LoihiFixedPoint.WeightMantissaRange(bits, WeightSignMode.Mixed);
        _unitsPerLevel = new int[ProjectionCount];
        _levelMin = new int[ProjectionCount];
        _levelMax = new int[ProjectionCount];
        Exponents = new int[ProjectionCount];
        if (chip.FixedPoint)
        {
            var largest = new double[ProjectionCount];
            for (var k = 0; k < count; k++)
            {
                var post = chip.NeuronOfSlot[_postSlot[k]];
                largest[_projectionOf[k]] = Math.Max(largest[_projectionOf[k]], Math.Abs(mapped.SynapseWeightFloat[_synapse[k]] * mapped.UnitsPerFloat[post]));
            }

            var lowest = Math.Max(limits.WeightExponentMin, -LoihiFixedPoint.AlignShift);
            for (var p = 0; p < ProjectionCount; p++)
            {
                var exponent = largest[p] == 0 ? lowest : (int)Math.Ceiling(Math.Log2(largest[p] * headroom / max)) - LoihiFixedPoint.AlignShift - narrowing;
                exponent = Math.Max(exponent, lowest);
                if (exponent > limits.WeightExponentMax)
                {
                    throw new CapacityException(mapped.Chip.Name, "weightExponentMax", $"projection '{network.Projections[p].Name}' learning at {weightBits}-bit weights", exponent,
                        limits.WeightExponentMax);
                }

                Exponents[p] = exponent;
                _unitsPerLevel[p] = step << (LoihiFixedPoint.AlignShift + exponent + narrowing);
                _levelMin[p] = min / step;
                _levelMax[p] = max / step;
            }
        }

        _level = new int[count];
        _tag = new int[count];
        _coefficient = new float[count];
        _levelToWeight = new double[count];
        var perCore = new int[mapped.CoreCount];
        for (var k = 0; k < count; k++)
        {
            var p = _projectionOf[k];
            var post = chip.NeuronOfSlot[_postSlot[k]];
            var scale = postScale[post] * mapped.InputGain[post];
            perCore[chip.CoreOfSlot[_postSlot[k]]]++;
            if (chip.FixedPoint)
            {
                var unitsPerFloat = mapped.UnitsPerFloat[post];
                var levels = mapped.SynapseWeightFloat[_synapse[k]] * unitsPerFloat / _unitsPerLevel[p];
                _level[k] = (int)Math.Clamp(Math.Round(levels, MidpointRounding.AwayFromZero), _levelMin[p], _levelMax[p]);
                _coefficient[k] = (float)(rateOf[p] * scale * unitsPerFloat / _unitsPerLevel[p]);
                _levelToWeight[k] = _unitsPerLevel[p] / (unitsPerFloat * scale);
                Write(k);
            }
            else
            {
                _coefficient[k] = (float)(rateOf[p] * scale);
                _levelToWeight[k] = 1 / scale;
            }
        }

        MaxSynapsesPerCore = perCore.Max();
    }

    /// <summary>Plastic synapses (each is updated once per learning epoch).</summary>
    public int Count { get; }

    public int ProjectionCount { get; }

    /// <summary>Most plastic synapses on one core: the learning phase's length in synaptic updates (cores update in parallel).</summary>
    public int MaxSynapsesPerCore { get; }

    /// <summary>The weight exponent each projection learns at (fixed point).</summary>
    public int[] Exponents { get; }

    /// <summary>
    /// The +β epoch's rule: each synapse's tag ← x·y, the product of its pre and post traces (an
    /// exact integer of twice the trace width). The weight does not move yet, so the −β phase runs
    /// on the same weights as the +β phase did.
    /// </summary>
    public void Tag(int[] preTrace, int[] postTrace)
    {
        for (var k = 0; k < Count; k++)
        {
            _tag[k] = preTrace[_preSlot[k]] * postTrace[_postSlot[k]];
        }
    }

    /// <summary>
    /// The −β epoch's rule: Δw = η/(2β)·(tag − x·y), read back as rates (<paramref name="productScale"/>
    /// per unit of trace product), stochastically rounded to a weight level and clamped to the weight
    /// width; the tag is cleared. Returns how many stored weights changed.
    /// </summary>
    public int Commit(int[] preTrace, int[] postTrace, double productScale, ulong key)
    {
        var changed = 0;
        var fixedPoint = _chip.FixedPoint;
        for (var k = 0; k < Count; k++)
        {
            var difference = _tag[k] - preTrace[_preSlot[k]] * postTrace[_postSlot[k]];
            _tag[k] = 0;
            if (difference == 0)
            {
                continue;
            }

            var delta = _coefficient[k] * productScale * difference;
            if (fixedPoint)
            {
                var p = _projectionOf[k];
                var level = (int)Math.Clamp(_level[k] + StochasticRounding.Round(delta, key, (ulong)k), _levelMin[p], _levelMax[p]);
                if (level != _level[k])
                {
                    _level[k] = level;
                    Write(k);
                    changed++;
                }
            }
            else
            {
                _chip.WeightFloat[_synapse[k]] += (float)(delta * _factor[k]);
                changed++;
            }
        }

        return changed;
    }

    /// <summary>The model weights W[post][pre] of projection <paramref name="projection"/> as the chip holds them now (nominal: without weight mismatch).</summary>
    public float[] Weights(int projection)
    {
        var network = _chip.Mapped.Realization.Network;
        var pr = network.Projections[projection];
        var result = new float[pr.From.Size * pr.To.Size];
        for (var k = 0; k < Count; k++)
        {
            if (_projectionOf[k] != projection)
            {
                continue;
            }

            var pre = _chip.NeuronOfSlot[_preSlot[k]] - pr.From.FirstNeuron;
            var post = _chip.NeuronOfSlot[_postSlot[k]] - pr.To.FirstNeuron;
            var value = _chip.FixedPoint ? _level[k] * _levelToWeight[k] : _chip.WeightFloat[_synapse[k]] / _factor[k] * _levelToWeight[k];
            result[post * pr.From.Size + pre] = (float)value;
        }

        return result;
    }

    private void Write(int k)
    {
        var units = _level[k] * _unitsPerLevel[_projectionOf[k]];
        var f = _factor[k];
        _chip.WeightUnits[_synapse[k]] = f == 1f ? units : (int)Math.Round(units * (double)f, MidpointRounding.AwayFromZero);
        _chip.WeightFloat[_synapse[k]] = (float)(units / _chip.Mapped.UnitsPerFloat[_chip.NeuronOfSlot[_postSlot[k]]] * f);
    }
}
