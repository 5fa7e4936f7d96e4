using Microsoft.Extensions.Logging;
using Neuromorphic.Core.Networks;
using Neuromorphic.Nir;

namespace Neuromorphic.Workflows.Networks;

/// <summary>
/// Loads a network from any supported format: a <c>neuromorphic.network/1</c> JSON file, or
/// a NIR file (HDF5, recognised by its signature whatever its extension), imported with
/// <see cref="NirImporter"/> (default step dt: the file's metadata, else 1e-4 s).
/// </summary>
public static class NetworkLoader
{
    private static ReadOnlySpan<byte> Hdf5Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    public static NetworkSpec Load(string path, ILogger? logger = null) => Load(path, new NirImportOptions(), logger);

    /// <summary>Loads <paramref name="path"/>; <paramref name="nirOptions"/> apply when it is a NIR file.</summary>
    public static NetworkSpec Load(string path, NirImportOptions nirOptions, ILogger? logger = null)
    {
        if (!IsNir(path))
        {
            var network = NetworkFile.Load(path);
            ReportUnverified(path, network, logger);
            return network;
        }

        var result = NirImporter.Import(path, nirOptions);
        foreach (var note in result.Notes)
        {
            logger?.LogWarning("{File}: {Note}", path, note);
        }

        logger?.LogInformation("Imported NIR {Version} file {File} with dt = {Dt} ({DtSource}): {Neurons} neurons, {Synapses} synapses",
            result.NirVersion, path, result.Dt, result.DtSource, result.Network.NeuronCount, result.Network.SynapseCount);
        return result.Network;
    }

    /// <summary>Says which sidecars were read without a recorded hash (files written before hashes were recorded).</summary>
    public static void ReportUnverified(string path, NetworkSpec network, ILogger? logger)
    {
        foreach (var sidecar in network.UnverifiedSidecars)
        {
            logger?.LogInformation("{File}: the sidecar {Sidecar} has no recorded SHA-256 (the file was written before sidecars were bound to their network file): its weights are read unchecked; saving the network again records the hash",
                path, sidecar);
        }
    }

    /// <summary>The files a model at <paramref name="path"/> consists of (a network JSON and its sidecars, or the NIR file).</summary>
    public static IReadOnlyList<string> FilesOf(string path) => IsNir(path) ? [Path.GetFullPath(path)] : NetworkFile.FilesOf(path);

    /// <summary>True for a file that starts with the HDF5 signature (at offset 0, where NIR files have it), or ends in ".nir".</summary>
    public static bool IsNir(string path)
    {
        if (path.EndsWith(".nir", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> head = stackalloc byte[8];
            return stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8 && head.SequenceEqual(Hdf5Signature);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
