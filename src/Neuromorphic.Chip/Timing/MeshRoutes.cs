using Neuromorphic.Core.Units;

namespace Neuromorphic.Chip.Timing;

/// <summary>
/// The links a message between two cores occupies in the detailed network model (SANA-FE's): the
/// source core's own link, then, for every tile the X-then-Y path enters, that tile's link in the
/// direction of the hop. Link ids: cores first (0 … cores − 1), then four per tile. Routes are
/// computed once and cached; a cached route allocates nothing.
/// </summary>
public sealed class MeshRoutes
{
    private readonly TileId[] _coreTile;
    private readonly int _meshWidth;
    private readonly int _coreCount;
    private readonly Dictionary<int, int[]> _routeLinks = [];
    private readonly int[]?[]? _routeCache;

    /// <param name="coreTile">Tile of each logical core.</param>
    /// <param name="meshWidth">Tiles along x.</param>
    /// <param name="meshHeight">Tiles along y.</param>
    public MeshRoutes(IReadOnlyList<TileId> coreTile, int meshWidth, int meshHeight)
    {
        _coreTile = coreTile.ToArray();
        _meshWidth = meshWidth;
        _coreCount = _coreTile.Length;
        LinkCount = _coreCount + 4 * meshWidth * meshHeight;
        _routeCache = _coreCount <= 512 ? new int[]?[_coreCount * _coreCount] : null;
    }

    /// <summary>Number of link ids.</summary>
    public int LinkCount { get; }

    /// <summary>Link ids of the route from <paramref name="source"/> to <paramref name="destination"/> (cached; do not modify).</summary>
    public int[] Links(int source, int destination)
    {
        var key = source * _coreCount + destination;
        if (_routeCache?[key] is { } fast)
        {
            return fast;
        }

        if (_routeLinks.TryGetValue(key, out var cached))
        {
            return cached;
        }

        const int east = 0, west = 1, north = 2, south = 3;
        var links = new List<int> { source };
        var (x, y) = (_coreTile[source].X, _coreTile[source].Y);
        var target = _coreTile[destination];
        while (x != target.X)
        {
            var direction = target.X > x ? east : west;
            x += target.X > x ? 1 : -1;
            links.Add(_coreCount + (y * _meshWidth + x) * 4 + direction);
        }

        while (y != target.Y)
        {
            var direction = target.Y > y ? north : south;
            y += target.Y > y ? 1 : -1;
            links.Add(_coreCount + (y * _meshWidth + x) * 4 + direction);
        }

        var result = links.ToArray();
        if (_routeCache is not null)
        {
            _routeCache[key] = result;
        }
        else
        {
            _routeLinks[key] = result;
        }

        return result;
    }
}
