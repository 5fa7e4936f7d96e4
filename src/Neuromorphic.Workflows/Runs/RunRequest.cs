using System.Globalization;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Errors;
using Neuromorphic.Simulation;
using Neuromorphic.Traces;
using Choices = Neuromorphic.Workflows.Mapping.MappingChoices;

namespace Neuromorphic.Workflows.Runs;

/// <summary>Where a run records its trace.</summary>
/// <param name="Path">The trace file.</param>
/// <param name="Level">What it records.</param>
/// <param name="Compression">Block compression.</param>
/// <param name="MemoryBudgetBytes">Memory for the records of inferences that wait for earlier ones; beyond it they wait in a file beside the trace (the trace is the same either way).</param>
public sealed record TraceRequest(string Path, TraceLevel Level = TraceLevel.Messages, TraceCompression Compression = TraceCompression.Deflate,
    long MemoryBudgetBytes = InferenceOrderedSink.DefaultMemoryBudgetBytes);

/// <summary>
/// Everything a run of inferences needs, by name: the network and chip files, the inputs (a
/// dataset's test images or an input-events file), the run options and the trace. Validated here
/// with property names in every message (<see cref="Validate"/>); front ends map those names to their
/// own (the command line to its flags).
/// </summary>
public sealed record RunRequest
{
    /// <summary>Network file: neuromorphic.network/1 JSON or NIR (see <see cref="Networks.NetworkLoader"/>).</summary>
    public required string Model { get; init; }

    /// <summary>Chip file or built-in chip name.</summary>
    public required string Chip { get; init; }

    /// <summary>Mapping file (neuromorphic.mapping/1); null maps the network now.</summary>
    public string? Mapping { get; init; }

    /// <summary>How to map when <see cref="Mapping"/> is null (a mapping file holds its own choices).</summary>
    public Choices MappingChoices { get; init; } = new();

    /// <summary>Dataset name or folder (see <c>DatasetCatalog</c>); null: the default dataset.</summary>
    public string? Dataset { get; init; }

    /// <summary>Test images to run: N of the test split from <see cref="Offset"/> on (fewer when the split ends first).</summary>
    public int Samples { get; init; } = 100;

    /// <summary>Dataset index of the first test image to run (a slice of the test set: <c>--offset K --range N</c>).</summary>
    public int Offset { get; init; }

    /// <summary>Input events file (CSV step,index) instead of images: one inference.</summary>
    public string? InputEvents { get; init; }

    public SyncMode Mode { get; init; } = SyncMode.Barrier;

    /// <summary>Algorithmic steps per inference (the read-out window).</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Output spikes count from this step on (steps from 1, as in input events).</summary>
    public int CountFrom { get; init; } = 1;

    public bool EarlyExit { get; init; }
    public InputEncoding Encoding { get; init; } = InputEncoding.SigmaDelta;

    /// <summary>Binary spikes or sigma-delta neurons on graded spikes (<see cref="NeuronRealization"/>).</summary>
    public NeuronRealization Realization { get; init; } = NeuronRealization.Spiking;

    /// <summary>Sigma-delta realization: the change (fraction of full scale) a neuron's output must reach before it sends.</summary>
    public double DeltaThreshold { get; init; } = RunOptions.DefaultDeltaThreshold;

    /// <summary>Seed of the chip instance (variability) and of Bernoulli inputs.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Worker threads across inferences (results are identical for any value).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The network's own float arithmetic: no quantization, no variability.</summary>
    public bool Ideal { get; init; }

    /// <summary>Async mode's local step period in ns; null: calibrated by the planner.</summary>
    public double? PeriodNs { get; init; }

    public TimingModel Timing { get; init; } = TimingModel.Detailed;

    public TraceRequest? Trace { get; init; }

    /// <summary>Neurons whose current and potential the trace records every step (<see cref="ProbeSelection"/>: <c>hidden[0..9]</c>).</summary>
    public IReadOnlyList<string> Probes { get; init; } = [];

    /// <summary>Checks every property on its own; throws <see cref="InvalidInputException"/> naming the property.</summary>
    public void Validate()
    {
        static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new InvalidInputException(null, nameof(Model), "\"\"", "a network file");
        }

        if (string.IsNullOrWhiteSpace(Chip))
        {
            throw new InvalidInputException(null, nameof(Chip), "\"\"", "a chip file or built-in name");
        }

        if (Steps <= 0 || Steps > AccountingBounds.MaxSteps)
        {
            throw new InvalidInputException(null, nameof(Steps), Text(Steps),
                $"a positive number of steps, at most {AccountingBounds.MaxSteps:N0} (the run size the chip models' integer accounting is bounded for)");
        }

        if (Samples < 1 && InputEvents is null)
        {
            throw new InvalidInputException(null, nameof(Samples), Text(Samples), "a number of test images ≥ 1");
        }

        if (Offset < 0)
        {
            throw new InvalidInputException(null, nameof(Offset), Text(Offset), "a test-image index ≥ 0");
        }

        if (Threads <= 0)
        {
            throw new InvalidInputException(null, nameof(Threads), Text(Threads), "a positive number of threads");
        }

        if (CountFrom < 1 || CountFrom > Steps)
        {
            throw new InvalidInputException(null, nameof(CountFrom), Text(CountFrom), $"a step in 1..{Steps} (steps count from 1)");
        }

        if (Mapping is not null && !MappingChoices.IsDefault)
        {
            var name = MappingChoices.Objective is not null ? nameof(Choices.Objective)
                : MappingChoices.Prototypes is not null ? nameof(Choices.Prototypes)
                : MappingChoices.MaxCores is not null ? nameof(Choices.MaxCores) : nameof(Choices.CompensateDecays);
            throw new InvalidInputException(null, name, "given with a mapping file", "mapping choices only when the run maps the network itself (the file holds its mapping)");
        }

        if (Probes.Count > 0 && Trace is null)
        {
            throw new InvalidInputException(null, nameof(Probes), Probes[0], "a trace to record the probes in");
        }

        if (Realization == NeuronRealization.SigmaDelta)
        {
            if (Mode != SyncMode.Barrier)
            {
                throw new InvalidInputException(null, nameof(Realization), "sigma-delta",
                    $"barrier mode for the sigma-delta realization (the {RunOptionNames.Mode(Mode)} engine sends binary spikes only)");
            }

            if (InputEvents is not null)
            {
                throw new InvalidInputException(null, nameof(Realization), "sigma-delta", "test images to encode as graded spikes (input events are binary spikes)");
            }

            if (Probes.Count > 0)
            {
                throw new InvalidInputException(null, nameof(Probes), Probes[0], "no probes with the sigma-delta realization (probes record the spiking compartment's u and v)");
            }
        }

        if (!(DeltaThreshold > 0 && DeltaThreshold <= 1))
        {
            throw new InvalidInputException(null, nameof(DeltaThreshold), Text(DeltaThreshold), "a fraction of full scale in (0, 1]");
        }

        MappingChoices.ToOptions();
        if (PeriodNs is { } period && !(period > 0 && double.IsFinite(period)))
        {
            throw new InvalidInputException(null, nameof(PeriodNs), Text(period), "a positive period in ns");
        }
    }

    /// <summary>The simulator's options for this request (async period given or resolved by the planner).</summary>
    public RunOptions ToOptions(long? asyncPeriodPs) => new()
    {
        Mode = Mode,
        Steps = Steps,
        CountFromStep = CountFrom,
        EarlyExit = EarlyExit,
        Seed = Seed,
        Encoding = Encoding,
        Realization = Realization,
        DeltaThreshold = DeltaThreshold,
        Ideal = Ideal,
        AsyncPeriodPs = asyncPeriodPs,
        Threads = Threads,
        Timing = Timing,
    };
}

/// <summary>Names of run options in files and reports.</summary>
public static class RunOptionNames
{
    public static string Mode(SyncMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>The mode names of the command line and sweep files.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["barrier", "handshake", "async"];

    public static SyncMode ParseMode(string? name) => name switch
    {
        "async" => SyncMode.Async,
        "handshake" => SyncMode.Handshake,
        _ => SyncMode.Barrier,
    };

    public static string Encoding(InputEncoding encoding) => encoding == InputEncoding.SigmaDelta ? "sigma-delta" : "bernoulli";

    public static InputEncoding ParseEncoding(string? name) => name == "bernoulli" ? InputEncoding.Bernoulli : InputEncoding.SigmaDelta;

    /// <summary>The realization names of the command line and sweep files.</summary>
    public static IReadOnlyList<string> Realizations { get; } = ["spiking", "sigma-delta"];

    public static string Realization(NeuronRealization realization) => realization == NeuronRealization.SigmaDelta ? "sigma-delta" : "spiking";

    public static NeuronRealization ParseRealization(string? name) => name == "sigma-delta" ? NeuronRealization.SigmaDelta : NeuronRealization.Spiking;
}
