using Neuromorphic.Core.Networks;

namespace Neuromorphic.Nir;

/// <summary>How a NIR graph becomes a <c>neuromorphic.network/1</c> network.</summary>
public sealed record NirImportOptions
{
    /// <summary>
    /// The step used by the NIR paper's graphs (dt = 1e-4 s: NIR <c>paper/01_lif/README.md</c>,
    /// <c>paper/03_rnn/README.md</c>), used when neither the caller nor the file gives one.
    /// </summary>
    public const double DefaultDt = 1e-4;

    /// <summary>The graph-level metadata key holding the step (written by <see cref="NirExporter"/>).</summary>
    public const string DtMetadataKey = "dt";

    /// <summary>
    /// The chip's algorithmic step in the file's time unit (the unit of its τ; usually seconds).
    /// Null: the file's graph metadata <c>dt</c>, else <see cref="DefaultDt"/>.
    /// </summary>
    public double? Dt { get; init; }

    /// <summary>
    /// Reset of every spiking population, overriding the file. NIR can only say "reset to v_reset",
    /// so a file meant for reset by subtraction (e.g. the NIR paper's <c>braille_noDelay_noBias_subtract.nir</c>)
    /// needs <see cref="ResetMode.Subtract"/> here. Null: what the node's metadata
    /// <c>neuromorphic.reset</c> says, else reset to zero.
    /// </summary>
    public ResetMode? Reset { get; init; }

    /// <summary>The network's name; null: the file's metadata <c>neuromorphic.name</c>, else the file name.</summary>
    public string? Name { get; init; }
}

/// <summary>Where a population came from in the NIR file.</summary>
/// <param name="Population">The population's name (the NIR node's flattened name).</param>
/// <param name="NodePaths">The HDF5 paths of the node(s) it was built from (a filter node and its spiking node, when fused).</param>
/// <param name="NodeTypes">Their NIR types, e.g. "CubaLIF", or "LI", "IF".</param>
public sealed record NirPopulationSource(string Population, IReadOnlyList<string> NodePaths, IReadOnlyList<string> NodeTypes);

/// <summary>The network built from a NIR file, and what the import had to decide on the way.</summary>
public sealed record NirImportResult(
    NetworkSpec Network,
    double Dt,
    string DtSource,
    string NirVersion,
    IReadOnlyList<NirPopulationSource> Sources,
    IReadOnlyList<string> Notes);
