using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Traces;
using System.Text.Json.Nodes;

namespace Neuromorphic.Workflows.Replay;

/// <summary>A trace's header and manifest, opened once for re-costing or re-simulation.</summary>
public sealed record RecordedRun(string Path, TraceHeader Header, RunManifest Manifest, CostTable Costs)
{
    /// <summary>Opens <paramref name="path"/>'s header (bad input when the file is missing or not a trace).</summary>
    public static RecordedRun Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputException(path, "TRACE", path, "an existing trace file (the file does not exist)");
        }

        TraceHeader header;
        using (var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.None }))
        {
            header = reader.Header;
        }

        return new RecordedRun(path, header, RunManifest.Of(header), CostTable.FromJson(JsonNode.Parse(header.CostTableJson)!.AsObject()));
    }

    /// <summary>
    /// The chip to replay on: <paramref name="requested"/> (a file or built-in name), or the trace's own
    /// built-in chip, which must still hash as recorded.
    /// </summary>
    public ChipSpec Chip(string? requested)
    {
        if (requested is not null)
        {
            return ChipLoader.Load(requested);
        }

        var name = RunManifest.Require(Manifest.Chip, Path, nameof(RunManifest.Chip), "the chip's name (or pass a chip)");
        var spec = ChipLoader.Load(name);
        if (spec.ContentHash != Header.ChipHash)
        {
            throw new InvalidInputException(Path, "header chip hash", Hashing.Short(Header.ChipHash),
                $"the hash of built-in chip '{name}' ({Hashing.Short(spec.ContentHash)}); the run used another file: pass it with --chip");
        }

        return spec;
    }
}
