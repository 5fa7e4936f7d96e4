using Microsoft.Extensions.Logging;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Errors;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Tracing;
using Neuromorphic.Traces;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// A run's trace: the file writer, and an <see cref="InferenceOrderedSink"/> that streams every
/// inference into it in inference order while the inferences run in parallel (so memory stays
/// bounded and a killed run leaves all but its last records on disk). The header's metadata is the
/// run's <see cref="RunManifest"/>. Before the run and after its first inference, the trace's size
/// is estimated and compared with the free space of its disk.
/// </summary>
public sealed partial class TraceRecording : IAsyncDisposable
{
    private readonly TraceWriter _writer;
    private readonly InferenceOrderedSink _sink;
    private readonly TraceLevel _level;
    private readonly int _steps;
    private readonly int _count;
    private readonly TraceCompression _compression;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<int> _probes;

    private TraceRecording(TraceWriter writer, TraceLevel level, int steps, int count, TraceCompression compression, ILogger logger, long memoryBudgetBytes,
        IReadOnlyList<int> probes)
    {
        _writer = writer;
        _level = level;
        _steps = steps;
        _count = count;
        _compression = compression;
        _logger = logger;
        _probes = probes;
        _sink = new InferenceOrderedSink(writer, 0, memoryBudgetBytes) { InferenceWritten = OnInferenceWritten };
    }

    public string Path => _writer.FinalPath ?? "";

    /// <summary>The ordered sink (its statistics show how much waited in memory or on disk).</summary>
    public InferenceOrderedSink Sink => _sink;

    /// <summary>The manifest a run of <paramref name="plan"/> records.</summary>
    public static RunManifest Manifest(RunPlan plan)
    {
        var mapped = plan.Mapped;
        var options = plan.Options;
        return new RunManifest
        {
            Model = System.IO.Path.GetFullPath(plan.ModelPath),
            ModelHash = plan.Network.ContentHash,
            Source = plan.Inputs.Source,
            Chip = mapped.Chip.Name,
            Steps = options.Steps,
            CountFrom = options.CountFromStep,
            EarlyExit = options.EarlyExit,
            Ideal = options.Ideal,
            Encoding = RunOptionNames.Encoding(options.Encoding),
            Realization = options.Realization == NeuronRealization.SigmaDelta ? RunOptionNames.Realization(options.Realization) : null,
            DeltaThreshold = options.Realization == NeuronRealization.SigmaDelta ? options.DeltaThreshold : null,
            AsyncPeriodPs = options.AsyncPeriodPs,
            Timing = options.Timing.Name(),
            TilesInUse = mapped.TilesInUse,
            Mesh = new MeshGeometry(mapped.Chip.Mesh.Width, mapped.Chip.Mesh.Height, mapped.Chip.Mesh.CoresPerTile),
            CoreTiles = mapped.CoreTile,
            CoreSlots = mapped.CoreSlots,
            Populations = plan.Network.Populations.Select(p => new PopulationRange(p.Name, p.FirstNeuron, p.Size)).ToArray(),
            InputPopulation = plan.Network.InputPopulation?.Name,
        };
    }

    /// <summary>The trace header of a run of <paramref name="plan"/> at <paramref name="level"/>.</summary>
    public static TraceHeader Header(RunPlan plan, TraceLevel level, string toolVersion) => new()
    {
        ToolVersion = toolVersion,
        ChipHash = plan.Mapped.Chip.ContentHash,
        NetworkHash = plan.Network.ContentHash,
        MappingHash = MappingFile.Hash(plan.Mapped.Plan),
        Seed = plan.Options.Seed,
        Mode = plan.Options.Mode switch { SyncMode.Async => TraceMode.Async, SyncMode.Handshake => TraceMode.Handshake, _ => TraceMode.Barrier },
        Level = level,
        CostTableJson = plan.Instance.Costs.ToJson().ToJsonString(),
        MetadataJson = Manifest(plan).ToJson(),
    };

    /// <param name="plan">The run.</param>
    /// <param name="request">Where and how to record.</param>
    /// <param name="toolVersion">Recorded in the header.</param>
    /// <param name="logger">Size estimates and warnings.</param>
    public static TraceRecording Create(RunPlan plan, TraceRequest request, string toolVersion, ILogger logger)
    {
        var writer = TraceWriter.Create(request.Path, Header(plan, request.Level, toolVersion), new TraceWriterOptions { Compression = request.Compression }, logger);
        var recording = new TraceRecording(writer, request.Level, plan.Options.Steps, plan.Inputs.Count, request.Compression, logger, request.MemoryBudgetBytes,
            plan.ProbedNeurons);
        recording.EstimateBeforeRun(plan.Mapped.CoreCount, plan.Options.EarlyExit);
        return recording;
    }

    /// <summary>The observer of inference <paramref name="inference"/> (called on a worker thread).</summary>
    public ISimulationObserver Recorder(int inference, int sampleIndex) =>
        new TraceRecorder(inference, sampleIndex, _level, _sink.Open(inference)).WithRequestedSteps(_steps).WithProbes(_probes);

    /// <summary>Called in inference order as results complete; the records already went to the file while the inference ran.</summary>
    public void Completed(InferenceResult result)
    {
    }

    /// <summary>Stops recording (dropping inferences still in flight) and completes the file.</summary>
    public Task CompleteAsync(TraceCompletion completion = TraceCompletion.Completed)
    {
        _sink.Close();
        return _writer.CompleteAsync(completion);
    }

    public ValueTask DisposeAsync()
    {
        _sink.Close();
        return _writer.DisposeAsync();
    }

    /// <summary>
    /// Typical stored bytes per record, block headers included (measured, traces/README.md "Performance");
    /// the real size depends on activity and is known after the first inference.
    /// </summary>
    internal static double BytesPerRecord(TraceRecordKind kind, TraceCompression compression) => (kind, compression) switch
    {
        (TraceRecordKind.InferenceSummary, _) => 156,
        (TraceRecordKind.InputEvent, TraceCompression.None) => 16.0,
        (TraceRecordKind.CoreStep, TraceCompression.None) => 108.1,
        (TraceRecordKind.Spike, TraceCompression.None) => 24.0,
        (TraceRecordKind.Message, TraceCompression.None) => 80.1,
        (TraceRecordKind.InputEvent, TraceCompression.Brotli) => 1.1,
        (TraceRecordKind.CoreStep, TraceCompression.Brotli) => 20.6,
        (TraceRecordKind.Spike, TraceCompression.Brotli) => 4.7,
        (TraceRecordKind.Message, TraceCompression.Brotli) => 13.0,
        (TraceRecordKind.InputEvent, _) => 1.2,
        (TraceRecordKind.CoreStep, _) => 23.9,
        (TraceRecordKind.Spike, _) => 5.1,
        (TraceRecordKind.Message, _) => 14.4,
        (TraceRecordKind.Probe, _) => ProbeRecord.Size, // not measured: the uncompressed size, an upper bound
        (TraceRecordKind.Payload, _) => PayloadRecord.Size, // not measured either
        _ => 0,
    };

    /// <summary>Before the run: at least one core-step record per core and step (without early exit) and one summary per inference.</summary>
    private void EstimateBeforeRun(int cores, bool earlyExit)
    {
        var perInference = BytesPerRecord(TraceRecordKind.InferenceSummary, _compression);
        if (_level >= TraceLevel.Counters && !earlyExit)
        {
            perInference += (double)cores * _steps * BytesPerRecord(TraceRecordKind.CoreStep, _compression);
        }

        var total = perInference * _count;
        if (FreeBytes() is { } free && total > free)
        {
            LogAtLeastTooLarge(Path, MemoryBudget.Format(total), _count, MemoryBudget.Format(free));
        }
    }

    /// <summary>After the first inference: its real record counts times the inferences of the run.</summary>
    private void OnInferenceWritten(int inference, long[] counts)
    {
        if (inference != 0 || _count <= 1)
        {
            return;
        }

        var perInference = TraceRecordKinds.All.Sum(kind => counts[(int)kind] * BytesPerRecord(kind, _compression));
        var total = perInference * _count;
        var free = FreeBytes();
        if (free is { } bytes && total > bytes)
        {
            LogTooLarge(Path, MemoryBudget.Format(perInference), MemoryBudget.Format(total), _count, MemoryBudget.Format(bytes), TraceLevels.Name(_level));
        }
        else
        {
            LogEstimate(Path, MemoryBudget.Format(perInference), MemoryBudget.Format(total), _count, free is null ? "unknown" : MemoryBudget.Format(free.Value));
        }
    }

    private long? FreeBytes()
    {
        try
        {
            return new DriveInfo(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The trace {Path} will need at least {Total} for {Count} inferences, more than the {Free} free on its disk: the run will fail when the disk is full (a lower --trace-level or fewer inferences need less)")]
    private partial void LogAtLeastTooLarge(string path, string total, int count, string free);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The trace {Path} will need about {PerInference} per inference, {Total} for {Count} inferences, more than the {Free} free on its disk: the run will fail when the disk is full (level {Level}; a lower --trace-level or fewer inferences need less)")]
    private partial void LogTooLarge(string path, string perInference, string total, int count, string free, string level);

    [LoggerMessage(Level = LogLevel.Information, Message = "The trace {Path} will take about {PerInference} per inference, {Total} for {Count} inferences ({Free} free)")]
    private partial void LogEstimate(string path, string perInference, string total, int count, string free);
}
