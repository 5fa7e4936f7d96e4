using Neuromorphic.Core.Errors;

namespace Neuromorphic.Mapping.Partitioning;

/// <summary>A network that does not fit a chip: names the violated limit, where, the value and the bound.</summary>
public sealed class CapacityException(string chip, string limit, string where, long value, long bound, string? hint = null)
    : InvalidInputException(chip, $"limit {limit}", $"{value:N0} ({where})", $"at most {bound:N0}{(hint is null ? "" : "; " + hint)}")
{
    public string Limit { get; } = limit;
    public long ValueNeeded { get; } = value;
    public long Bound { get; } = bound;
}
