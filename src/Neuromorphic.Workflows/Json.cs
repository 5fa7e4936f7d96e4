namespace Neuromorphic.Workflows;

/// <summary>Small helpers for the JSON reports.</summary>
public static class Json
{
    /// <summary>The value, or null when it is NaN or infinite (JSON has no such numbers).</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
