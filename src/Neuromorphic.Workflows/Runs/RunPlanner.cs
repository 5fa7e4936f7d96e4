using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Chip;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Units;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Workflows.Inputs;
using Neuromorphic.Workflows.Networks;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// Resolves a <see cref="RunRequest"/> into a <see cref="RunPlan"/>: loads the network and the chip,
/// maps (or loads the mapping), draws the chip instance, chooses the inputs, and settles the async
/// step period — the one place that decides it. With <see cref="RunResources"/>, datasets, networks,
/// chips and mappings are loaded once for all the plans it makes (a sweep worker).
/// </summary>
public sealed partial class RunPlanner(ILoggerFactory? loggers = null, string toolVersion = "", RunResources? resources = null)
{
    private readonly ILoggerFactory _loggers = loggers ?? NullLoggerFactory.Instance;
    private readonly ILogger _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger<RunPlanner>();

    public RunPlan Plan(RunRequest request)
    {
        request.Validate();
        var network = resources is null ? LoadNetwork(request.Model) : resources.Network(request.Model, () => LoadNetwork(request.Model));
        // A network without an input population (driven by its biases alone, as SANA-FE networks may be) runs from an events file, which then holds no event.
        var inputPopulation = network.InputPopulation;
        if (inputPopulation is null && request.InputEvents is null)
        {
            throw new InvalidInputException(request.Model, "$.populations", "no input population", "a population with model \"input\" to drive (or an input events file without events, for a network driven by its biases)");
        }

        var chip = resources is null ? ChipLoader.Load(request.Chip) : resources.Chip(request.Chip, () => ChipLoader.Load(request.Chip));
        var mappingOptions = request.MappingChoices.ToOptions();
        var mapped = resources is null
            ? Map(network, chip, request.Mapping, mappingOptions)
            : resources.Mapped(network, chip, request.Mapping, mappingOptions, () => Map(network, chip, request.Mapping, mappingOptions));

        RunInputs inputs;
        Dataset? dataset = null;
        if (request.InputEvents is { } eventsPath)
        {
            var events = InputEventsFile.Read(eventsPath, inputPopulation?.Size ?? 0, request.Steps);
            inputs = RunInputs.FromEvents(events, $"{eventsPath} ({events.Count} events)");
        }
        else
        {
            var data = dataset = resources is null ? DatasetCatalog.Load(request.Dataset) : resources.Dataset(request.Dataset, () => DatasetCatalog.Load(request.Dataset));
            if (data.PixelsPerImage != inputPopulation!.Size)
            {
                throw new InvalidInputException(request.Model, $"population '{inputPopulation.Name}' size", inputPopulation.Size.ToString(CultureInfo.InvariantCulture),
                    $"{data.PixelsPerImage}, the pixels per image of {data.Name}");
            }

            if (request.Offset > 0 && request.Offset >= data.Test.Count)
            {
                throw new InvalidInputException(null, nameof(RunRequest.Offset), request.Offset.ToString(CultureInfo.InvariantCulture),
                    $"an offset below the {data.Test.Count} test images of {data.Name}");
            }

            var count = Math.Min(request.Samples, data.Test.Count - request.Offset);
            var slice = request.Offset == 0 ? "" : $"{request.Offset}..{request.Offset + count - 1} ";
            inputs = RunInputs.FromImages(data.Test, request.Offset, count, $"{data.Name} test images {slice}({data.Source})", request.Encoding, request.Seed,
                data.ClassNames);
        }

        var periodPs = request.PeriodNs is { } ns ? SimTime.FromNanoseconds(ns).Picoseconds : (long?)null;
        var plan = Resolve(request.Model, network, mapped, request.ToOptions(periodPs) with { FirstSample = inputs.FirstSample }, inputs,
            inputs.Images is { } images ? FloatReference.Of(network, images, request.Threads) : null, request.Trace) with
        {
            Dataset = dataset,
            ProbedNeurons = ProbeSelection.Resolve(request.Probes, network),
        };
        LogPlanned(plan.Inputs.Count, network.Name, chip.Name, plan.Options.Mode, plan.Options.Steps, plan.Options.Seed, plan.Options.Threads, plan.Inputs.Source);
        return plan;
    }

    private NetworkSpec LoadNetwork(string path) => NetworkLoader.Load(path, _loggers.CreateLogger(typeof(NetworkLoader)));

    /// <summary>Maps <paramref name="network"/> onto <paramref name="chip"/> (with <paramref name="options"/>), or rebuilds the mapping stored in <paramref name="mappingPath"/>.</summary>
    public MappedNetwork Map(NetworkSpec network, ChipSpec chip, string? mappingPath = null, MappingOptions? options = null) =>
        mappingPath is null
            ? new Mapper(_loggers.CreateLogger<Mapper>()).Map(network, chip, toolVersion, options)
            : MappedNetworkBuilder.Build(network, chip, MappingFile.Load(mappingPath, network, chip), mappingPath);

    /// <summary>
    /// The plan of a run whose network, mapping and inputs the caller already has (several runs of one
    /// network): draws the chip instance and settles the async period.
    /// </summary>
    public RunPlan Resolve(string modelPath, NetworkSpec network, MappedNetwork mapped, RunOptions options, RunInputs inputs,
        FloatReference? floatReference = null, TraceRequest? trace = null)
    {
        options.Validate();
        if (options.Realization == NeuronRealization.SigmaDelta)
        {
            SigmaDeltaRequirements.Check(network, modelPath, mapped.Chip);
        }

        var instance = ChipInstance.Create(mapped, options.Seed, options.Ideal, options.Realization == NeuronRealization.SigmaDelta);
        var (periodPs, period) = ResolvePeriod(options, mapped.Chip);
        options = options with { AsyncPeriodPs = periodPs };
        if (period != PeriodSource.None)
        {
            LogPeriod(periodPs!.Value / 1000.0, period, mapped.Chip.Timing.InputQueueMessages);
        }

        return new RunPlan
        {
            ModelPath = modelPath,
            Network = network,
            Mapped = mapped,
            Instance = instance,
            Options = options,
            Inputs = inputs,
            Period = period,
            Float = floatReference,
            Trace = trace,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Running {Count} inferences of {Network} on {Chip} ({Mode}, {Steps} steps, seed {Seed}, {Threads} threads) from {Source}")]
    private partial void LogPlanned(int count, string network, string chip, SyncMode mode, int steps, ulong seed, int threads, string source);

    /// <summary>
    /// The async step period, decided here only: the caller's <see cref="RunOptions.AsyncPeriodPs"/>
    /// (<c>--period-ns</c>), else the chip model's nominal <c>timing.asyncStepPeriodNs</c>; null outside async mode.
    /// </summary>
    public static (long? PeriodPs, PeriodSource Source) ResolvePeriod(RunOptions options, ChipSpec chip) =>
        options.Mode != SyncMode.Async ? (null, PeriodSource.None)
        : options.AsyncPeriodPs is { } given ? (given, PeriodSource.Given)
        : (SimTime.FromNanoseconds(chip.Timing.AsyncStepPeriodNs).Picoseconds, PeriodSource.ChipNominal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Async clock period {PeriodNs:0.###} ns ({Source}), input queues of {QueueMessages} messages per core")]
    private partial void LogPeriod(double periodNs, PeriodSource source, int queueMessages);
}
