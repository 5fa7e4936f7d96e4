using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Learning.Models;

namespace Neuromorphic.Learning.Training;

/// <summary>Everything a run needs to continue: parameters, optimizer state, epochs done, metric history.</summary>
internal sealed class TrainingState(EpParameters parameters, Optimizer optimizer)
{
    public EpParameters Parameters { get; } = parameters;
    public Optimizer Optimizer { get; } = optimizer;
    public int EpochsCompleted { get; set; }
    public List<EpochMetrics> History { get; } = [];
}

/// <summary>
/// The training checkpoint, written atomically after every epoch: magic "NEUROEP1", a JSON header
/// (format, dataset hash, the options that determine the result, epochs completed, optimizer
/// steps), the float32 tensors (per layer W, b, dt, τ; then optimizer moments), the metric history
/// as float64, and a SHA-256 of all preceding bytes. Random streams are keyed by epoch, so the epoch
/// count is their position: resuming continues to a bit-identical result.
/// </summary>
internal static class Checkpoint
{
    public const string Format = "neuromorphic.ep-checkpoint/1";
    private static readonly byte[] s_magic = "NEUROEP1"u8.ToArray();

    public static void Save(string path, EpTrainingOptions options, string datasetHash, TrainingState state)
    {
        var settings = new JsonObject();
        foreach (var (option, value) in options.Settings())
        {
            settings[option] = value;
        }

        var header = new JsonObject
        {
            ["format"] = Format,
            ["datasetHash"] = datasetHash,
            ["settings"] = settings,
            ["epochsCompleted"] = state.EpochsCompleted,
            ["optimizerSteps"] = state.Optimizer.StepCount,
            ["historyCount"] = state.History.Count,
        };
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var buffer = new MemoryStream();
        buffer.Write(s_magic);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(word, headerBytes.Length);
        buffer.Write(word);
        buffer.Write(headerBytes);
        foreach (var tensor in Tensors(state))
        {
            buffer.Write(MemoryMarshal.AsBytes(tensor.AsSpan()));
        }

        Span<byte> bytes = stackalloc byte[8];
        foreach (var metrics in state.History)
        {
            foreach (var value in metrics.CsvRow)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
                buffer.Write(bytes);
            }
        }

        var content = buffer.ToArray();
        var hash = SHA256.HashData(content);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(content);
            stream.Write(hash);
        });
    }

    /// <summary>
    /// Reads a checkpoint into a fresh state for <paramref name="options"/>. Throws
    /// <see cref="InvalidInputException"/> when the file is missing, truncated, corrupted, or was
    /// written with other options or data.
    /// </summary>
    public static TrainingState Load(string path, EpTrainingOptions options, string datasetHash)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputException(path, null, null, "an existing checkpoint to resume from (it is written after every epoch; run without --resume first)");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, null, "unreadable", $"a readable checkpoint ({ex.Message})", ex);
        }

        if (bytes.Length < s_magic.Length + 4 + 32 || !bytes.AsSpan(0, s_magic.Length).SequenceEqual(s_magic))
        {
            throw new InvalidInputException(path, "header", $"{bytes.Length} bytes without the magic NEUROEP1", "a checkpoint written by neuro train");
        }

        var content = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(content).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
        {
            throw new InvalidInputException(path, "checksum", "mismatch", "an intact checkpoint (the file is truncated or corrupted)");
        }

        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(content[s_magic.Length..]);
        var offset = s_magic.Length + 4;
        if (headerLength <= 0 || offset + headerLength > content.Length)
        {
            throw new InvalidInputException(path, "header length", headerLength.ToString(), "a header inside the file");
        }

        JsonObject header;
        try
        {
            if (JsonInput.FindDuplicateKey(Encoding.UTF8.GetString(content.Slice(offset, headerLength))) is { } duplicate)
            {
                throw new InvalidInputException(path, $"header {duplicate.Path}", $"\"{duplicate.Key}\" a second time in the same object",
                    "each key at most once per object (which of the values was meant is ambiguous)");
            }

            header = JsonNode.Parse(content.Slice(offset, headerLength))?.AsObject() ?? throw new JsonException("empty header");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new InvalidInputException(path, "header", "invalid JSON", $"a JSON header ({ex.Message})", ex);
        }

        offset += headerLength;
        if (header["format"]?.GetValue<string>() != Format)
        {
            throw new InvalidInputException(path, "format", header["format"]?.ToJsonString() ?? "missing", $"\"{Format}\"");
        }

        CheckCompatible(path, header, options, datasetHash);

        var parameters = new EpParameters(options.Layers);
        var optimizer = new Optimizer(options.Optimizer, options.Momentum, options.WeightDecay, Optimizer.TensorLengths(parameters));
        var state = new TrainingState(parameters, optimizer)
        {
            EpochsCompleted = header["epochsCompleted"]!.GetValue<int>(),
        };
        optimizer.StepCount = header["optimizerSteps"]!.GetValue<long>();
        var historyCount = header["historyCount"]!.GetValue<int>();
        var tensors = Tensors(state).ToList();
        var expected = offset + tensors.Sum(t => (long)t.Length * sizeof(float)) + (long)historyCount * EpochMetrics.CsvColumns.Count * sizeof(double);
        if (expected != content.Length)
        {
            throw new InvalidInputException(path, "payload", $"{content.Length - offset} bytes", $"{expected - offset} bytes for the layers {string.Join(",", options.Layers)}");
        }

        foreach (var tensor in tensors)
        {
            var span = MemoryMarshal.AsBytes(tensor.AsSpan());
            content.Slice(offset, span.Length).CopyTo(span);
            offset += span.Length;
            if (tensor.Any(v => !float.IsFinite(v)))
            {
                throw new InvalidInputException(path, "tensors", "a non-finite value", "finite weights and optimizer state");
            }
        }

        var values = new double[EpochMetrics.CsvColumns.Count];
        for (var h = 0; h < historyCount; h++)
        {
            for (var c = 0; c < values.Length; c++)
            {
                values[c] = BinaryPrimitives.ReadDoubleLittleEndian(content[offset..]);
                offset += sizeof(double);
            }

            state.History.Add(EpochMetrics.FromCsvRow(values));
        }

        return state;
    }

    private static void CheckCompatible(string path, JsonObject header, EpTrainingOptions options, string datasetHash)
    {
        var savedHash = header["datasetHash"]?.GetValue<string>();
        if (savedHash != datasetHash)
        {
            throw new InvalidInputException(path, "datasetHash", savedHash ?? "missing", $"{datasetHash}, the content hash of the dataset given now (resume on the same data)");
        }

        var saved = header["settings"]?.AsObject() ?? [];
        var current = options.Settings().ToDictionary(s => s.Option, s => s.Value);
        foreach (var option in current.Keys.Union(saved.Select(s => s.Key)))
        {
            if (option == "--epochs" && !options.Cosine)
            {
                continue;
            }

            var before = saved[option]?.GetValue<string>();
            current.TryGetValue(option, out var now);
            if (before != now)
            {
                throw new InvalidInputException(path, option, Describe(now),
                    $"{Describe(before)}, the value the checkpoint was written with (resume with the options of the interrupted run)");
            }
        }
    }

    private static string Describe(string? value) => value is null ? "not set" : value.Length == 0 ? "set" : value;

    private static IEnumerable<float[]> Tensors(TrainingState state)
    {
        var p = state.Parameters;
        for (var k = 0; k < p.LayerCount; k++)
        {
            yield return p.Weights[k];
            yield return p.Biases[k];
            yield return p.Dt[k];
            yield return p.Tau[k];
        }

        foreach (var tensor in state.Optimizer.First)
        {
            yield return tensor;
        }

        foreach (var tensor in state.Optimizer.Second)
        {
            yield return tensor;
        }
    }
}
