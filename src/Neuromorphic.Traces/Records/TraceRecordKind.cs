namespace Neuromorphic.Traces;

/// <summary>
/// The kinds of record a trace holds; each block holds records of one kind. The numeric values are
/// the <c>kind</c> byte of a block header (traces/README.md) and never change within
/// <c>neuromorphic.trace/1</c>.
/// </summary>
public enum TraceRecordKind : byte
{
    /// <summary>A spike of an input neuron (<see cref="InputEventRecord"/>).</summary>
    InputEvent = 1,

    /// <summary>A spike of a mapped neuron (<see cref="SpikeRecord"/>).</summary>
    Spike = 2,

    /// <summary>A core-to-core message on the network-on-chip (<see cref="MessageRecord"/>).</summary>
    Message = 3,

    /// <summary>The counters, times and energy of one core over one step (<see cref="CoreStepRecord"/>).</summary>
    CoreStep = 4,

    /// <summary>The outcome, latency and energy of one inference (<see cref="InferenceSummaryRecord"/>).</summary>
    InferenceSummary = 5,

    /// <summary>Current and potential of a probed neuron at one step (<see cref="ProbeRecord"/>; format 3.1).</summary>
    Probe = 6,

    /// <summary>The payload of a graded spike (<see cref="PayloadRecord"/>; format 3.2).</summary>
    Payload = 7,
}

/// <summary>A set of record kinds, for readers that want only some of them.</summary>
[Flags]
public enum TraceKinds
{
    None = 0,
    InputEvents = 1 << TraceRecordKind.InputEvent,
    Spikes = 1 << TraceRecordKind.Spike,
    Messages = 1 << TraceRecordKind.Message,
    CoreSteps = 1 << TraceRecordKind.CoreStep,
    InferenceSummaries = 1 << TraceRecordKind.InferenceSummary,
    Probes = 1 << TraceRecordKind.Probe,
    Payloads = 1 << TraceRecordKind.Payload,
    All = InputEvents | Spikes | Messages | CoreSteps | InferenceSummaries | Probes | Payloads,
}

/// <summary>Helpers over <see cref="TraceRecordKind"/>.</summary>
public static class TraceRecordKinds
{
    /// <summary>Length of arrays indexed by kind byte (kinds are 1..7).</summary>
    public const int Slots = 8;

    /// <summary>
    /// The end block counts the records of kinds 1..5 (input events to inference summaries): its layout
    /// is fixed within format 3. Probe (3.1) and payload (3.2) records are covered by its block count and by each block's checksum.
    /// </summary>
    public const int EndBlockCountedKinds = 5;

    /// <summary>Every record kind, in the order writers flush them and tables list them.</summary>
    public static IReadOnlyList<TraceRecordKind> All { get; } =
    [
        TraceRecordKind.InputEvent, TraceRecordKind.CoreStep, TraceRecordKind.Probe, TraceRecordKind.Spike, TraceRecordKind.Payload, TraceRecordKind.Message,
        TraceRecordKind.InferenceSummary,
    ];

    /// <summary>Size in bytes of one record of <paramref name="kind"/> on disk (and in memory).</summary>
    public static int RecordSize(TraceRecordKind kind) => kind switch
    {
        TraceRecordKind.InputEvent => InputEventRecord.Size,
        TraceRecordKind.Spike => SpikeRecord.Size,
        TraceRecordKind.Message => MessageRecord.Size,
        TraceRecordKind.CoreStep => CoreStepRecord.Size,
        TraceRecordKind.InferenceSummary => InferenceSummaryRecord.Size,
        TraceRecordKind.Probe => ProbeRecord.Size,
        TraceRecordKind.Payload => PayloadRecord.Size,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown record kind"),
    };

    public static bool IsKnown(byte kind) => kind is >= (byte)TraceRecordKind.InputEvent and <= (byte)TraceRecordKind.Payload;

    public static TraceKinds ToFlag(this TraceRecordKind kind) => (TraceKinds)(1 << (int)kind);

    /// <summary>The lowest trace level that records <paramref name="kind"/>.</summary>
    public static TraceLevel MinimumLevel(this TraceRecordKind kind) => kind switch
    {
        TraceRecordKind.InferenceSummary or TraceRecordKind.Probe => TraceLevel.Summary,
        TraceRecordKind.CoreStep or TraceRecordKind.InputEvent => TraceLevel.Counters,
        TraceRecordKind.Spike or TraceRecordKind.Payload => TraceLevel.Spikes,
        TraceRecordKind.Message => TraceLevel.Messages,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown record kind"),
    };

    /// <summary>Short plural name used in tables, JSON and CSV file names ("spikes", "messages").</summary>
    public static string DisplayName(this TraceRecordKind kind) => kind switch
    {
        TraceRecordKind.InputEvent => "inputEvents",
        TraceRecordKind.Spike => "spikes",
        TraceRecordKind.Message => "messages",
        TraceRecordKind.CoreStep => "coreSteps",
        TraceRecordKind.InferenceSummary => "inferences",
        TraceRecordKind.Probe => "probes",
        TraceRecordKind.Payload => "payloads",
        _ => $"kind{(byte)kind}",
    };
}
