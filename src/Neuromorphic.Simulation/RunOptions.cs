using System.Globalization;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Simulation;

/// <summary>How cores are synchronised.</summary>
public enum SyncMode
{
    /// <summary>Loihi's algorithmic step: every core updates, then a mesh-wide barrier ends the step.</summary>
    Barrier,

    /// <summary>
    /// Free-running clocks (GALS): each core steps on its own period (nominal × skew × jitter); bounded
    /// input queues stall senders when full; a spike joins the destination's first local step after
    /// it has been processed, late if that is more than one step after it was sent.
    /// </summary>
    Async,

    /// <summary>Self-timed cores without a barrier: a core starts its next step when its own work is done and it holds an end-of-step token from every core that sends to it. The same spikes as barrier.</summary>
    Handshake,
}

/// <summary>How input pixels become spikes.</summary>
public enum InputEncoding
{
    /// <summary>Deterministic sigma-delta: accumulate the rate each step, spike when the accumulator passes ½, subtract 1.</summary>
    SigmaDelta,

    /// <summary>A Bernoulli draw per step with probability = rate, from the counter-based RNG.</summary>
    Bernoulli,
}

/// <summary>How the chip runs the network's neurons.</summary>
public enum NeuronRealization
{
    /// <summary>Binary spikes: ep-rate neurons as rate-coded CUBA compartments (src/Neuromorphic.Core/README.md, "EP neurons as spikes").</summary>
    Spiking,

    /// <summary>
    /// Graded spikes (Loihi 2): each neuron sends the change of its output when it exceeds the delta threshold, receivers
    /// accumulate, and input pixels are sigma-delta encoded (src/Neuromorphic.Simulation/README.md, "Sigma-delta realization").
    /// </summary>
    SigmaDelta,
}

/// <summary>Options of one simulation run (all inferences).</summary>
public sealed record RunOptions
{
    public SyncMode Mode { get; init; } = SyncMode.Barrier;

    /// <summary>Algorithmic steps per inference (the read-out window), numbered 1 to <see cref="Steps"/>.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Output spikes are counted from this step on (steps from 1; earlier steps are a settling transient).</summary>
    public int CountFromStep { get; init; } = 1;

    /// <summary>Stop an inference as soon as the leading output cannot be overtaken in the remaining steps.</summary>
    public bool EarlyExit { get; init; }

    /// <summary>Seed of the chip instance (variability) and of Bernoulli encoding.</summary>
    public ulong Seed { get; init; } = 1;

    public InputEncoding Encoding { get; init; } = InputEncoding.SigmaDelta;

    /// <summary>Binary spikes or sigma-delta neurons on graded spikes (barrier mode only).</summary>
    public NeuronRealization Realization { get; init; } = NeuronRealization.Spiking;

    /// <summary>
    /// Sigma-delta realization: a neuron (or input pixel) sends when its output has moved by at least this fraction of
    /// full scale (output 1 = the neuron's threshold, pixel 255) since it last sent.
    /// </summary>
    public double DeltaThreshold { get; init; } = DefaultDeltaThreshold;

    /// <summary>1/256 of full scale: the default <see cref="DeltaThreshold"/> (tools/bench/README.md, "Graded spikes", shows the sweep it was chosen from).</summary>
    public const double DefaultDeltaThreshold = 1.0 / 256;

    /// <summary>The network's own float arithmetic: no quantization and no variability (timing and energy still from the chip).</summary>
    public bool Ideal { get; init; }

    /// <summary>
    /// Nominal local step period in async mode (ps), required there. The run planner resolves it
    /// (the one place that does): the caller's value, else the chip's <c>timing.asyncStepPeriodNs</c>.
    /// </summary>
    public long? AsyncPeriodPs { get; init; }

    /// <summary>Barrier-mode timing model (SANA-FE's detailed or simple).</summary>
    public TimingModel Timing { get; init; } = TimingModel.Detailed;

    /// <summary>Worker threads across inferences (results are identical for any value).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Dataset index of inference 0. Per-inference random streams (async timing jitter) are keyed by
    /// <c>FirstSample + index</c>, so a slice of a test set runs exactly as the same images do in a longer run.
    /// </summary>
    public int FirstSample { get; init; }

    /// <summary>Checks every option; throws <see cref="InvalidInputException"/> naming the property (callers map it to their own option names).</summary>
    public void Validate()
    {
        static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
        if (Steps <= 0 || Steps > AccountingBounds.MaxSteps)
        {
            throw new InvalidInputException(null, nameof(Steps), Text(Steps),
                $"a positive number of steps, at most {AccountingBounds.MaxSteps:N0} (the run size the chip models' integer accounting is bounded for)");
        }

        if (CountFromStep < 1 || CountFromStep > Steps)
        {
            throw new InvalidInputException(null, nameof(CountFromStep), Text(CountFromStep), $"a step in 1..{Steps} (steps count from 1)");
        }

        if (Threads <= 0)
        {
            throw new InvalidInputException(null, nameof(Threads), Text(Threads), "a positive number of threads");
        }

        if (Realization == NeuronRealization.SigmaDelta && Mode != SyncMode.Barrier)
        {
            throw new InvalidInputException(null, nameof(Realization), "sigma-delta",
                $"barrier mode for the sigma-delta realization (the {Mode.ToString().ToLowerInvariant()} engine sends binary spikes only)");
        }

        if (!(DeltaThreshold > 0 && DeltaThreshold <= 1))
        {
            throw new InvalidInputException(null, nameof(DeltaThreshold), DeltaThreshold.ToString(CultureInfo.InvariantCulture), "a fraction of full scale in (0, 1]");
        }

        if (AsyncPeriodPs is { } period && period <= 0)
        {
            throw new InvalidInputException(null, nameof(AsyncPeriodPs), Text(period), "a positive period");
        }
    }
}
