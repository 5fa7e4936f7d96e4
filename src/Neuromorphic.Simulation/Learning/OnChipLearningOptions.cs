using System.Globalization;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Simulation.Learning;

/// <summary>Options of on-chip EP learning (src/Neuromorphic.Simulation/README.md, On-chip learning).</summary>
public sealed record OnChipLearningOptions
{
    /// <summary>Nudging strength β; the nudged phases run at +β and −β (the symmetric estimator).</summary>
    public double Beta { get; init; } = 0.2;

    /// <summary>Steps of the free phase (also the read-out window of an inference).</summary>
    public int FreeSteps { get; init; } = 60;

    /// <summary>Steps of each nudged phase: one learning epoch each.</summary>
    public int NudgedSteps { get; init; } = 20;

    /// <summary>Learning rate per sample of each layer k = 1..L (one value: every layer), applied as η/(2β) in the rule.</summary>
    public IReadOnlyList<double> LearningRates { get; init; } = [0.001];

    /// <summary>Weight width of the plastic synapses (default: the chip's <c>core.limits.weightBits</c>).</summary>
    public int? WeightBits { get; init; }

    /// <summary>Trace width (default: the chip's <c>learning.traceBits</c>).</summary>
    public int? TraceBits { get; init; }

    /// <summary>Time constant of the pre- and post-synaptic traces, in steps.</summary>
    public double TraceTauSteps { get; init; } = 8;

    /// <summary>Range above the largest initial weight of a projection that the learning exponent keeps (2 = one bit).</summary>
    public double WeightHeadroom { get; init; } = 2;

    public SyncMode Mode { get; init; } = SyncMode.Barrier;
    public TimingModel Timing { get; init; } = TimingModel.Detailed;
    public InputEncoding Encoding { get; init; } = InputEncoding.SigmaDelta;

    /// <summary>Seed of the chip instance (variability), of the stochastic rounding and of Bernoulli encoding.</summary>
    public ulong Seed { get; init; } = 1;

    public double LearningRate(int k) => LearningRates.Count == 1 ? LearningRates[0] : LearningRates[k - 1];

    /// <summary>Checks the options; throws <see cref="InvalidInputException"/> naming the property.</summary>
    public void Validate()
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (!(Beta > 0) || !double.IsFinite(Beta))
        {
            throw new InvalidInputException(null, nameof(Beta), F(Beta), "a finite β > 0");
        }

        if (FreeSteps < 1 || NudgedSteps < 1)
        {
            throw new InvalidInputException(null, FreeSteps < 1 ? nameof(FreeSteps) : nameof(NudgedSteps), F(Math.Min(FreeSteps, NudgedSteps)), "at least 1 step");
        }

        if (LearningRates.Count == 0 || LearningRates.Any(r => !(r >= 0) || !double.IsFinite(r)))
        {
            throw new InvalidInputException(null, nameof(LearningRates), string.Join(",", LearningRates.Select(F)), "finite learning rates ≥ 0");
        }

        if (WeightBits is < 2 || TraceBits is < 1 or > 16)
        {
            throw new InvalidInputException(null, WeightBits is < 2 ? nameof(WeightBits) : nameof(TraceBits),
                F(WeightBits is < 2 ? WeightBits.Value : TraceBits!.Value), WeightBits is < 2 ? "at least 2 bits" : "1..16 bits");
        }

        if (!(TraceTauSteps >= 1) || !double.IsFinite(TraceTauSteps))
        {
            throw new InvalidInputException(null, nameof(TraceTauSteps), F(TraceTauSteps), "a time constant of at least 1 step");
        }

        if (!(WeightHeadroom >= 1) || !double.IsFinite(WeightHeadroom))
        {
            throw new InvalidInputException(null, nameof(WeightHeadroom), F(WeightHeadroom), "at least 1");
        }

        if (Mode == SyncMode.Async)
        {
            throw new InvalidInputException(null, nameof(Mode), "async",
                "barrier or handshake: Loihi's learning phase runs at a step boundary shared by all cores, which free-running async cores do not have");
        }
    }
}
