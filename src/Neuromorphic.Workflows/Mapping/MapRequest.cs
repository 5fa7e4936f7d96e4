using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Workflows.Networks;

namespace Neuromorphic.Workflows.Mapping;

/// <summary>
/// How to map: prototypes, objective and core budget (<see cref="MappingOptions"/>), each null for the
/// default. Shared by <see cref="MapRequest"/> and <c>RunRequest</c> (a run that maps on the fly).
/// </summary>
public sealed record MappingChoices
{
    public PrototypePolicy? Prototypes { get; init; }
    public MappingObjective? Objective { get; init; }
    public int? MaxCores { get; init; }

    /// <summary>False keeps a clustered neuron's input gain uncompensated (for comparisons; null: compensate).</summary>
    public bool? CompensateDecays { get; init; }

    public bool IsDefault => Prototypes is null && Objective is null && MaxCores is null && CompensateDecays is null;

    /// <summary>The mapper's options; errors name <see cref="MaxCores"/> and the other properties.</summary>
    public MappingOptions ToOptions()
    {
        var options = new MappingOptions
        {
            Prototypes = Prototypes ?? PrototypePolicy.Spread,
            Objective = Objective ?? MappingObjective.Cores,
            MaxCores = MaxCores,
            CompensateDecays = CompensateDecays ?? true,
        };
        options.Validate();
        return options;
    }
}

/// <summary>A mapping to make: network and chip by name, the choices, and the mapping file to write.</summary>
public sealed record MapRequest
{
    public required string Model { get; init; }
    public required string Chip { get; init; }
    public required string Out { get; init; }
    public MappingChoices Choices { get; init; } = new();

    public void Validate()
    {
        foreach (var (name, value) in new[] { (nameof(Model), Model), (nameof(Chip), Chip), (nameof(Out), Out) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidInputException(null, name, "\"\"", name == nameof(Chip) ? "a chip file or built-in name" : "a file");
            }
        }

        Choices.ToOptions();
    }
}

/// <summary>What a mapping came to: the network, the chip, the tables and their report, the file written.</summary>
public sealed record MapReport(NetworkSpec Network, ChipSpec Chip, MappedNetwork Mapped, MappingReport Report, string Path, double ElapsedMs)
{
    /// <summary>The <c>--json</c> summary of <c>neuro map</c>.</summary>
    public JsonObject ToJson()
    {
        var json = Report.ToJson();
        json["mapping"] = Path;
        json["network"] = Network.Name;
        json["networkHash"] = Network.ContentHash;
        json["chip"] = Chip.Name;
        json["chipHash"] = Chip.ContentHash;
        json["elapsedMs"] = Math.Round(ElapsedMs, 1);
        return json;
    }
}

/// <summary>Maps a network onto a chip as a <see cref="MapRequest"/> says and writes the mapping file.</summary>
public sealed class MapSession(ILoggerFactory? loggers = null, string toolVersion = "")
{
    private readonly ILoggerFactory _loggers = loggers ?? NullLoggerFactory.Instance;

    public MapReport Map(MapRequest request)
    {
        request.Validate();
        var network = NetworkLoader.Load(request.Model, _loggers.CreateLogger(typeof(NetworkLoader)));
        var chip = ChipLoader.Load(request.Chip);
        var clock = Stopwatch.StartNew();
        var mapped = new Mapper(_loggers.CreateLogger<Mapper>()).Map(network, chip, toolVersion, request.Choices.ToOptions());
        var elapsed = clock.Elapsed.TotalMilliseconds;
        var report = MappingReport.Create(mapped);
        MappingFile.Save(mapped.Plan, request.Out, report);
        return new MapReport(network, chip, mapped, report, request.Out, elapsed);
    }
}
