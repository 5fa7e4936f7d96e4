using System.Collections.Concurrent;
using Neuromorphic.Chip;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// What many runs in one process share, loaded once: datasets by name, networks and chips by path,
/// and mappings by (network, chip, mapping file, mapping options). Keys are paths, so this is for files that do not
/// change while the process runs (a sweep worker's inputs are content-addressed). Thread-safe;
/// everything cached is immutable and shared between concurrent runs.
/// </summary>
public sealed class RunResources
{
    private readonly ConcurrentDictionary<string, Lazy<Dataset>> _datasets = new();
    private readonly ConcurrentDictionary<string, Lazy<NetworkSpec>> _networks = new();
    private readonly ConcurrentDictionary<string, Lazy<ChipSpec>> _chips = new();
    private readonly ConcurrentDictionary<(string, string, string, MappingOptions), Lazy<MappedNetwork>> _mappings = new();

    public Dataset Dataset(string? spec, Func<Dataset> load) => Get(_datasets, spec ?? DatasetCatalog.DefaultName, load);

    public NetworkSpec Network(string path, Func<NetworkSpec> load) => Get(_networks, Path.GetFullPath(path), load);

    public ChipSpec Chip(string nameOrPath, Func<ChipSpec> load) => Get(_chips, File.Exists(nameOrPath) ? Path.GetFullPath(nameOrPath) : nameOrPath, load);

    public MappedNetwork Mapped(NetworkSpec network, ChipSpec chip, string? mappingPath, MappingOptions options, Func<MappedNetwork> map) =>
        Get(_mappings, (network.ContentHash, chip.ContentHash, mappingPath is null ? "" : Path.GetFullPath(mappingPath), options), map);

    private static TValue Get<TKey, TValue>(ConcurrentDictionary<TKey, Lazy<TValue>> cache, TKey key, Func<TValue> load)
        where TKey : notnull
    {
        var lazy = cache.GetOrAdd(key, _ => new Lazy<TValue>(load, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            cache.TryRemove(key, out _);
            throw;
        }
    }
}
