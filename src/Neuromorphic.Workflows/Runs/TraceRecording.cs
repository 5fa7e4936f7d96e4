using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Tracing;
using Neuromorphic.Traces;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// A run's trace: the file writer, one recorder per inference in flight, and the drain that writes
/// each inference's records in inference order as results complete. The header's metadata is the
/// run's <see cref="RunManifest"/>.
/// </summary>
public sealed class TraceRecording : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, TraceRecorder> _recorders = new();
    private readonly TraceWriter _writer;
    private readonly TraceLevel _level;
    private readonly int _steps;
    private readonly IReadOnlyList<int> _probes;

    private TraceRecording(TraceWriter writer, TraceLevel level, int steps, IReadOnlyList<int> probes)
    {
        _writer = writer;
        _level = level;
        _steps = steps;
        _probes = probes;
    }

    public string Path => _writer.FinalPath ?? "";

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

    public static TraceRecording Create(RunPlan plan, TraceRequest request, string toolVersion, ILogger logger) =>
        new(TraceWriter.Create(request.Path, Header(plan, request.Level, toolVersion), new TraceWriterOptions { Compression = request.Compression }, logger),
            request.Level, plan.Options.Steps, plan.ProbedNeurons);

    /// <summary>The observer of inference <paramref name="inference"/> (called on a worker thread).</summary>
    public ISimulationObserver Recorder(int inference, int sampleIndex)
    {
        var recorder = new TraceRecorder(inference, sampleIndex, _level).WithRequestedSteps(_steps).WithProbes(_probes);
        _recorders[inference] = recorder;
        return recorder;
    }

    /// <summary>Called in inference order: moves that inference's records into the file.</summary>
    public void Completed(InferenceResult result)
    {
        if (_recorders.TryRemove(result.Index, out var recorder))
        {
            recorder.Buffer.DrainTo(_writer);
        }
    }

    public Task CompleteAsync(TraceCompletion completion = TraceCompletion.Completed) => _writer.CompleteAsync(completion);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
