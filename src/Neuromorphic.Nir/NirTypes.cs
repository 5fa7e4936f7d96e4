namespace Neuromorphic.Nir;

/// <summary>The NIR node type names (the <c>type</c> dataset of each node group).</summary>
public static class NirTypes
{
    public const string Graph = "NIRGraph";
    public const string Input = "Input";
    public const string Output = "Output";
    public const string Affine = "Affine";
    public const string Linear = "Linear";
    public const string Scale = "Scale";
    public const string Flatten = "Flatten";
    public const string Delay = "Delay";
    public const string Threshold = "Threshold";
    public const string Integrator = "I";
    public const string IF = "IF";
    public const string LI = "LI";
    public const string LIF = "LIF";
    public const string CubaLI = "CubaLI";
    public const string CubaLIF = "CubaLIF";
    public const string Conv1d = "Conv1d";
    public const string Conv2d = "Conv2d";
    public const string SumPool2d = "SumPool2d";
    public const string AvgPool2d = "AvgPool2d";

    /// <summary>Convolution and pooling: imported as dense projections with the shared kernel repeated.</summary>
    public static readonly IReadOnlySet<string> Convolutional = new HashSet<string>(StringComparer.Ordinal) { Conv1d, Conv2d, SumPool2d, AvgPool2d };

    /// <summary>Every type NIR defines (NIR 1.0, <c>nir/ir</c>).</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Graph, Input, Output, Affine, Linear, Scale, Flatten, Delay, Threshold, Integrator, IF, LI, LIF, CubaLI, CubaLIF,
        Conv1d, Conv2d, SumPool2d, AvgPool2d,
    };
}
