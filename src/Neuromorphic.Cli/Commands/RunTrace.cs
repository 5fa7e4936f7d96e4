using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Tracing;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Traces;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// A run's trace: the file writer, one recorder per inference in flight, and the drain that writes
/// each inference's records in inference order as results complete.
/// </summary>
internal sealed class RunTrace : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, TraceRecorder> _recorders = new();
    private readonly TraceWriter _writer;
    private readonly ChipInstance _chip;
    private readonly TraceLevel _level;
    private readonly int _steps;

    private RunTrace(TraceWriter writer, ChipInstance chip, TraceLevel level, int steps)
    {
        _writer = writer;
        _chip = chip;
        _level = level;
        _steps = steps;
    }

    public string Path => _writer.FinalPath ?? "";

    /// <summary>Metadata keys the replay command reads back.</summary>
    public static class Keys
    {
        public const string Model = "model";
        public const string ModelHash = "modelHash";
        public const string Steps = "steps";
        public const string CountFrom = "countFrom";
        public const string EarlyExit = "earlyExit";
        public const string Ideal = "ideal";
        public const string AsyncPeriodPs = "asyncPeriodPs";
        public const string TilesInUse = "tilesInUse";
        public const string CoreTiles = "coreTiles";
        public const string Mesh = "mesh";
        public const string Chip = "chip";
        public const string EnergyScale = "energyScale";
        public const string BarrierEnergyFj = "barrierEnergyFj";
        public const string Timing = "timing";
    }

    public static RunTrace Create(string path, TraceLevel level, string modelPath, NetworkSpec network, MappedNetwork mapped, ChipInstance chip,
        RunOptions options, string source, string commandLine, TraceWriterOptions writerOptions, ILogger logger)
    {
        var metadata = new JsonObject
        {
            ["command"] = commandLine,
            [Keys.Model] = System.IO.Path.GetFullPath(modelPath),
            [Keys.ModelHash] = network.ContentHash,
            ["source"] = source,
            [Keys.Chip] = mapped.Chip.Name,
            [Keys.Steps] = options.Steps,
            [Keys.CountFrom] = options.CountFromStep,
            [Keys.EarlyExit] = options.EarlyExit,
            [Keys.Ideal] = options.Ideal,
            ["encoding"] = options.Encoding == InputEncoding.SigmaDelta ? "sigma-delta" : "bernoulli",
            [Keys.AsyncPeriodPs] = options.AsyncPeriodPs,
            [Keys.TilesInUse] = mapped.TilesInUse,
            [Keys.Mesh] = new JsonObject { ["width"] = mapped.Chip.Mesh.Width, ["height"] = mapped.Chip.Mesh.Height, ["coresPerTile"] = mapped.Chip.Mesh.CoresPerTile },
            ["coresPerTile"] = mapped.Chip.Mesh.CoresPerTile,
            [Keys.CoreTiles] = new JsonArray(mapped.CoreTile.Select(t => (JsonNode)new JsonArray(t.X, t.Y)).ToArray()),
            ["populations"] = new JsonArray(network.Populations.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["size"] = p.Size }).ToArray()),
            [Keys.BarrierEnergyFj] = chip.Costs.BarrierEnergyFj,
            [Keys.Timing] = options.Timing.ToString().ToLowerInvariant(),
        };
        var header = new TraceHeader
        {
            ToolVersion = Hosting.NeuroApp.Version,
            ChipHash = mapped.Chip.ContentHash,
            NetworkHash = network.ContentHash,
            MappingHash = MappingFile.Hash(mapped.Plan),
            Seed = options.Seed,
            Mode = options.Mode == SyncMode.Barrier ? TraceMode.Barrier : TraceMode.Async,
            Level = level,
            CostTableJson = chip.Costs.ToJson().ToJsonString(),
            MetadataJson = metadata.ToJsonString(),
        };
        return new RunTrace(TraceWriter.Create(path, header, writerOptions, logger), chip, level, options.Steps);
    }

    public ISimulationObserver Recorder(int inference, int sampleIndex)
    {
        var recorder = new TraceRecorder(inference, sampleIndex, _level, _chip.Costs).WithRequestedSteps(_steps);
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
