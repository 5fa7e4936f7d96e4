namespace Neuromorphic.Traces;

/// <summary>How the simulated cores synchronize (src/README.md, "Execution modes").</summary>
public enum TraceMode : byte
{
    /// <summary>Loihi's algorithmic time step: a mesh-wide barrier ends every step.</summary>
    Barrier = 0,

    /// <summary>No barrier: each core steps on its own clock.</summary>
    Async = 1,

    /// <summary>No barrier: self-timed cores exchanging end-of-step tokens (the same spikes as barrier).</summary>
    Handshake = 2,
}

/// <summary>The names of <see cref="TraceMode"/> values in reports and exports.</summary>
public static class TraceModeNames
{
    public static string Name(this TraceMode mode) => mode switch
    {
        TraceMode.Async => "async",
        TraceMode.Handshake => "handshake",
        _ => "barrier",
    };
}

/// <summary>
/// What a trace says about the run that produced it: the tool, the inputs (by SHA-256), the seed and
/// mode, the level, and the cost table used, so that the trace can be re-costed and reproduced.
/// Written once at the start of the file (traces/README.md, "File header").
/// </summary>
public sealed record TraceHeader
{
    /// <summary>Version of the <c>neuro</c> tool that wrote the trace.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>SHA-256 (lower-case hex) of the chip model, or empty when not applicable.</summary>
    public string ChipHash { get; init; } = "";

    /// <summary>SHA-256 (lower-case hex) of the network file, or empty.</summary>
    public string NetworkHash { get; init; } = "";

    /// <summary>SHA-256 (lower-case hex) of the mapping, or empty.</summary>
    public string MappingHash { get; init; } = "";

    public ulong Seed { get; init; }

    public TraceMode Mode { get; init; }

    public TraceLevel Level { get; init; }

    /// <summary>
    /// Wall-clock start of the run, or null (written as 0). Leave it null when traces must be
    /// byte-identical across runs (golden traces, determinism checks).
    /// </summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The resolved cost table of the chip, as UTF-8 JSON text, stored byte for byte.</summary>
    public string CostTableJson { get; init; } = "{}";

    /// <summary>
    /// Free-form JSON object: command line, dataset, chip and network names, and optionally
    /// <c>"populations": [{"name": …, "size": …}]</c> in global neuron order, which exports and plots use
    /// to name neurons.
    /// </summary>
    public string MetadataJson { get; init; } = "{}";

    /// <summary>The format identifier written into every header.</summary>
    public const string Schema = "neuromorphic.trace/3";
}
