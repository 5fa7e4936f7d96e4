using System.CommandLine;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Core.Errors;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Synthetic;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// <c>neuro trace synth</c> (hidden, for development and tests): writes a synthetic trace through the
/// real writer, optionally slowly, so that a test can kill it mid-way and read the prefix, and so that
/// sizes and compression can be measured without a simulator.
/// </summary>
internal static class TraceSynthCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("synth", "Write a synthetic trace (development and tests).") { Hidden = true };
        var output = new Option<string>("--out") { Description = "Trace file to write.", HelpName = "FILE", Required = true };
        var inferences = new Option<int>("--inferences") { Description = "Inferences to write.", DefaultValueFactory = _ => 10 };
        var steps = new Option<int>("--steps") { Description = "Steps per inference.", DefaultValueFactory = _ => 64 };
        var cores = new Option<int>("--cores") { Description = "Cores.", DefaultValueFactory = _ => 16 };
        var inputs = new Option<int>("--inputs") { Description = "Input neurons.", DefaultValueFactory = _ => 784 };
        var delay = new Option<int>("--delay-ms") { Description = "Pause after each inference, in milliseconds.", DefaultValueFactory = _ => 0 };
        var level = new Option<string>("--level") { Description = "summary, counters, spikes or messages.", DefaultValueFactory = _ => "messages" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the synthetic events.", DefaultValueFactory = _ => 1 };
        var compression = new Option<TraceCompression>("--compression") { Description = "none, deflate or brotli.", DefaultValueFactory = _ => TraceWriterOptions.Default.Compression };
        var noShuffle = new Option<bool>("--no-shuffle") { Description = "Do not byte-shuffle records before compressing." };
        var blockBytes = new Option<int>("--block-bytes") { Description = "Target block size in bytes.", DefaultValueFactory = _ => TraceWriterOptions.Default.BlockBytes };
        var toolVersion = new Option<string?>("--tool-version") { Description = "Tool version to write in the header (default: this tool's)." };
        var json = CommonOptions.Json();
        foreach (var option in new Option[] { output, inferences, steps, cores, inputs, delay, level, seed, compression, noShuffle, blockBytes, toolVersion, json })
        {
            command.Options.Add(option);
        }

        context.SetAction(command, async (parse, cancellationToken) =>
        {
            if (!TraceLevels.TryParse(parse.GetValue(level), out var traceLevel))
            {
                throw new InvalidInputException(null, "--level", parse.GetValue(level), "summary, counters, spikes or messages");
            }

            var options = new SyntheticTraceOptions
            {
                Inferences = Positive(parse.GetValue(inferences), "--inferences"),
                Steps = Positive(parse.GetValue(steps), "--steps"),
                Cores = Positive(parse.GetValue(cores), "--cores"),
                Inputs = Positive(parse.GetValue(inputs), "--inputs"),
                Seed = parse.GetValue(seed),
            };
            var writerOptions = new TraceWriterOptions
            {
                Compression = parse.GetValue(compression),
                Shuffle = !parse.GetValue(noShuffle),
                BlockBytes = Positive(parse.GetValue(blockBytes), "--block-bytes"),
            };
            var delayMs = parse.GetValue(delay);
            var log = context.Logger<TraceWriter>();
            var path = parse.GetValue(output)!;
            context.Outputs.File(path, "--out");
            context.Outputs.File(path + TraceWriter.PartialSuffix, "--out", "its unfinished copy");
            await using var writer = TraceWriter.Create(path, SyntheticTrace.Header(options, traceLevel, parse.GetValue(toolVersion) ?? NeuroApp.Version), writerOptions, log);
            log.LogInformation("Writing {Inferences} synthetic inferences to {Path}", options.Inferences, writer.PartialPath);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                for (var i = 0; i < options.Inferences; i++)
                {
                    SyntheticTrace.WriteInference(writer, options, i);
                    if (delayMs > 0)
                    {
                        await Task.Delay(delayMs, cancellationToken);
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            catch (OperationCanceledException)
            {
                await writer.CompleteAsync(TraceCompletion.Interrupted);
                throw;
            }

            await writer.CompleteAsync();
            var stats = writer.Statistics;
            var seconds = clock.Elapsed.TotalSeconds;
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new
                {
                    path = Path.GetFullPath(path),
                    level = traceLevel.Name(),
                    compression = writerOptions.Compression,
                    shuffle = writerOptions.Shuffle,
                    inferences = options.Inferences,
                    fileBytes = stats.FileBytes,
                    seconds,
                    kinds = TraceRecordKinds.All.ToDictionary(k => k.DisplayName(), k => new
                    {
                        records = stats.Records(k),
                        blocks = stats.Blocks(k),
                        rawBytes = stats.RawBytes(k),
                        storedBytes = stats.StoredBytes(k),
                        bytesPerRecord = stats.Records(k) == 0 ? 0 : (double)stats.StoredBytes(k) / stats.Records(k),
                    }),
                });
            }
            else
            {
                context.Output.WriteLine($"{path}: {options.Inferences} inferences, {stats.TotalRecords:N0} records, {Formats.Bytes(stats.FileBytes)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new InvalidInputException(null, option, value.ToString(System.Globalization.CultureInfo.InvariantCulture), "a positive integer");
}
