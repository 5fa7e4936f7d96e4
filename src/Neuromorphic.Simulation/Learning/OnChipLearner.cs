using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Random;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation.Engine;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Learning;

/// <summary>
/// Equilibrium propagation on the chip (src/Neuromorphic.Simulation/README.md, On-chip learning):
/// per training sample a free phase and two nudged phases (+β, −β, both from the saved free-phase
/// state) run as spiking dynamics on the chip instance in the barrier engine (its arithmetic,
/// variability and sync mode), with traces updated every step; at the end of each nudged phase — one
/// learning epoch — the rule Δw = ±η/(2β)·x·y is applied to every plastic synapse, so that over the
/// pair Δw = η/(2β)·([x y] at +β − [x y] at −β), the symmetric EP estimator. Weights change in place
/// in <see cref="Chip"/>; the learner owns the mapped network it was given. Single-threaded: one
/// sample's update must land before the next sample runs, as on the chip.
/// </summary>
public sealed class OnChipLearner
{
    private const ulong TraceStream = 0x7472616365UL;
    private const ulong RuleStream = 0x72756C65UL;

    private readonly OnChipLearningOptions _options;
    private readonly BarrierEngine _engine;
    private readonly LearningTraces _traces;
    private readonly PlasticSynapses _synapses;
    private readonly EpPhaseHook _hook;
    private readonly LearningCosts _learningCosts;
    private readonly double _productScale;
    private readonly int _maxTracesPerCore;
    private readonly RunOptions _free;
    private readonly RunOptions _nudged;

    public OnChipLearner(MappedNetwork mapped, OnChipLearningOptions options)
    {
        options.Validate();
        var chipSpec = mapped.Chip;
        var learning = RequireLearningEngine(chipSpec);
        if (options.NudgedSteps > learning.MaxEpochSteps)
        {
            throw new InvalidInputException(chipSpec.Source, "$.learning.maxEpochSteps", $"{options.NudgedSteps} nudged steps",
                $"at most {learning.MaxEpochSteps} steps per learning epoch on chip '{chipSpec.Name}' (one epoch per nudged phase)");
        }

        if (options.WeightBits is { } wb && wb > chipSpec.Core.Limits.WeightBits)
        {
            throw new InvalidInputException(chipSpec.Source, "$.core.limits.weightBits", $"{wb} weight bits",
                $"at most {chipSpec.Core.Limits.WeightBits} bits on chip '{chipSpec.Name}'");
        }

        if (options.TraceBits is { } tb && tb > learning.TraceBits)
        {
            throw new InvalidInputException(chipSpec.Source, "$.learning.traceBits", $"{tb} trace bits",
                $"at most {learning.TraceBits} bits on chip '{chipSpec.Name}'");
        }

        var network = mapped.Network;
        var output = network.Readout is { } readout ? network.GetPopulation(readout.Population) : null;
        if (output is null || !network.Populations.Any(p => p.Model == NeuronModel.EpRate))
        {
            throw new InvalidInputException(network.SourceFile, "$.populations", "no ep-rate populations with a read-out",
                "an HTS-EP network (ep-rate populations, read-out from the output layer) for on-chip EP learning");
        }

        _options = options;
        Chip = ChipInstance.Create(mapped, options.Seed, ideal: false);
        _engine = new BarrierEngine(Chip);
        _learningCosts = LearningCosts.From(learning);

        // The rule's post factor: an HTS-EP neuron's inputs are scaled by its own dt.
        var postScale = new double[mapped.NeuronCount];
        foreach (var pop in network.Populations)
        {
            for (var i = 0; i < pop.Size; i++)
            {
                postScale[pop.FirstNeuron + i] = pop.EpRate is { } ep ? ep.Dt[i] : 1;
            }
        }

        var populations = network.Populations.ToList();
        var rates = network.Projections.Select(pr =>
        {
            var k = Math.Max(populations.IndexOf(pr.From), populations.IndexOf(pr.To));
            return options.LearningRate(k) / (2 * options.Beta);
        }).ToArray();
        var weightBits = options.WeightBits ?? chipSpec.Core.Limits.WeightBits;
        _synapses = new PlasticSynapses(Chip, postScale, rates, weightBits, options.WeightHeadroom);
        WeightBits = weightBits;

        // Traces: a pre trace for every source and a post trace for every target of a plastic synapse.
        var isPre = new bool[mapped.NeuronCount];
        var isPost = new bool[mapped.NeuronCount];
        foreach (var pr in network.Projections)
        {
            Array.Fill(isPre, true, pr.From.FirstNeuron, pr.From.Size);
            Array.Fill(isPost, true, pr.To.FirstNeuron, pr.To.Size);
        }

        var slots = Chip.NeuronOfSlot.Length;
        var preSlots = Enumerable.Range(0, slots).Where(s => isPre[Chip.NeuronOfSlot[s]]).ToArray();
        var postSlots = Enumerable.Range(0, slots).Where(s => isPost[Chip.NeuronOfSlot[s]]).ToArray();
        TraceBits = options.TraceBits ?? learning.TraceBits;
        var rule = TraceRule.For(TraceBits, options.TraceTauSteps);
        _traces = new LearningTraces(slots, preSlots, postSlots, rule, rule);
        var tracesPerCore = new int[mapped.CoreCount];
        foreach (var s in preSlots.Concat(postSlots))
        {
            tracesPerCore[Chip.CoreOfSlot[s]]++;
        }

        _maxTracesPerCore = tracesPerCore.Max();
        var outputSlots = Enumerable.Range(0, output.Size).Select(i => Chip.SlotOfNeuron[output.FirstNeuron + i]).ToArray();
        var outputScale = Enumerable.Range(0, output.Size).Select(i => postScale[output.FirstNeuron + i] * mapped.InputGain[output.FirstNeuron + i]).ToArray();
        _hook = new EpPhaseHook(Chip, _traces, outputSlots, outputScale);
        _productScale = rule.RateOf(1) * rule.RateOf(1);
        _free = new RunOptions { Mode = options.Mode, Timing = options.Timing, Steps = options.FreeSteps, Seed = options.Seed, Encoding = options.Encoding };
        _nudged = _free with { Steps = options.NudgedSteps };
    }

    /// <summary>The chip's learning engine; a chip without one is bad input naming its missing <c>learning</c> section.</summary>
    public static LearningSpec RequireLearningEngine(ChipSpec chip) =>
        chip.Learning ?? throw new InvalidInputException(chip.Source, "$.learning", "absent",
            $"a chip with a learning engine for --on-chip (chip '{chip.Name}' has no \"learning\" section; loihi1 has one)");

    /// <summary>The chip instance being trained (its weights change with every sample).</summary>
    public ChipInstance Chip { get; }

    public int WeightBits { get; }
    public int TraceBits { get; }

    /// <summary>Plastic synapses: the synaptic updates of one learning epoch.</summary>
    public int PlasticSynapseCount => _synapses.Count;

    /// <summary>Pre and post traces: the trace updates of one step.</summary>
    public int TraceCount => _traces.UpdatesPerStep;

    /// <summary>The exponent each projection's weights learn at (fixed-point chips).</summary>
    public IReadOnlyList<int> WeightExponents => _synapses.Exponents;

    /// <summary>The traces (tests read their rates).</summary>
    internal LearningTraces Traces => _traces;

    /// <summary>The learning engine's integer costs.</summary>
    public LearningCosts LearningCosts => _learningCosts;

    /// <summary>Most plastic synapses on one core and most traces on one core (the learning phase's critical path).</summary>
    public (int Synapses, int Traces) BusiestCore => (_synapses.MaxSynapsesPerCore, _maxTracesPerCore);

    /// <summary>The options for running inferences on <see cref="Chip"/> as the free phase does (evaluation).</summary>
    public RunOptions InferenceOptions => _free;

    /// <summary>
    /// Trains on one sample: free phase, +β epoch, −β epoch. <paramref name="sample"/> keys the
    /// random streams (stochastic rounding), so a run is reproducible sample by sample.
    /// </summary>
    public SampleOutcome Train(long sample, InferenceInput input, int label)
    {
        var costs = Chip.Costs;
        var counters = default(LearningCounters);
        _hook.PrepareFree(label, _options.FreeSteps, Key(TraceStream, sample, 0));
        var free = _engine.Run(0, input, _free, null, _hook);

        var nudged = default(PartCost);
        var nudgedCounters = default(CounterTotals);
        var learningDynamicFj = 0L;
        var learningPs = 0L;
        foreach (var (sign, phase) in new[] { (1, 1UL), (-1, 2UL) })
        {
            // Both nudged phases draw the same trace roundings (keyed by sample, step and slot, not by phase): identical spikes give
            // identical traces, so the epochs' difference holds only what the nudge changed.
            _hook.PrepareNudged(sign * _options.Beta, Key(TraceStream, sample, 1));
            var result = _engine.Run(0, input, _nudged, null, _hook);
            nudged.DynamicFj = checked(nudged.DynamicFj + result.Energy.DynamicFj);
            nudged.StaticFj = checked(nudged.StaticFj + result.Energy.StaticFj);
            nudged.TimePs = checked(nudged.TimePs + result.Latency.Picoseconds);
            nudgedCounters.Add(result.Totals, result.Steps);

            if (sign > 0)
            {
                _synapses.Tag(_traces.Pre, _traces.Post);
            }
            else
            {
                counters.WeightsChanged += _synapses.Commit(_traces.Pre, _traces.Post, _productScale, Key(RuleStream, sample, phase));
            }

            counters.SynapticUpdates += _synapses.Count;
            counters.Epochs++;
            learningPs = checked(learningPs + (long)_synapses.MaxSynapsesPerCore * _learningCosts.SynapticUpdate.LatencyPs);
        }

        counters.NudgeOps = _hook.TakeNudgeOps();
        nudged.DynamicFj = checked(nudged.DynamicFj + counters.NudgeOps * costs.SynapticOp.EnergyFj);

        var steps = _options.FreeSteps + 2L * _options.NudgedSteps;
        counters.TraceUpdates = steps * _traces.UpdatesPerStep;
        learningPs = checked(learningPs + steps * _maxTracesPerCore * _learningCosts.TraceUpdate.LatencyPs);
        learningDynamicFj = checked(counters.SynapticUpdates * _learningCosts.SynapticUpdate.EnergyFj + counters.TraceUpdates * _learningCosts.TraceUpdate.EnergyFj);
        var learningCost = new PartCost { DynamicFj = learningDynamicFj, StaticFj = costs.StaticEnergyFj(learningPs), TimePs = learningPs };
        var freeCost = new PartCost { DynamicFj = free.Energy.DynamicFj, StaticFj = free.Energy.StaticFj, TimePs = free.Latency.Picoseconds };
        var freeCounters = default(CounterTotals);
        freeCounters.Add(free.Totals, free.Steps);
        return new SampleOutcome(label, free.Predicted, freeCost, nudged, learningCost, counters, freeCounters, nudgedCounters);
    }

    /// <summary>The weights W[post][pre] of the network's projection <paramref name="projection"/> (index in <c>Network.Projections</c>), in the model's units.</summary>
    public float[] Weights(int projection) => _synapses.Weights(projection);

    private ulong Key(ulong stream, long sample, ulong phase) => Philox.StreamId(_options.Seed, stream, (ulong)sample, phase);
}
