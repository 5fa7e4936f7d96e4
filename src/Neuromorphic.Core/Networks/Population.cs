namespace Neuromorphic.Core.Networks;

/// <summary>The neuron models a network file can use.</summary>
public enum NeuronModel
{
    /// <summary>Driven from outside: by an image encoder or by input events.</summary>
    Input,

    /// <summary>Current-based leaky integrate-and-fire (Loihi's compartment).</summary>
    CubaLif,

    /// <summary>An HTS-EP rate neuron: hard-sigmoid rate with its own time step dt.</summary>
    EpRate,
}

/// <summary>What happens to the membrane voltage after a spike.</summary>
public enum ResetMode
{
    /// <summary>v ← 0.</summary>
    Zero,

    /// <summary>v ← v − threshold.</summary>
    Subtract,
}

/// <summary>
/// <c>cuba-lif</c>, per algorithmic step t: u ← u·(1 − 1/τ_u) + I(t) + currentBias;
/// v ← v·(1 − 1/τ_v) + u + bias (τ in steps, null means no leak); spike when v &gt; threshold, then
/// reset, then <see cref="Refractory"/> silent steps. I(t) sums the weights of spikes emitted at step t − 1.
/// </summary>
public sealed record CubaLifParameters(
    PerNeuron? TauCurrent,
    PerNeuron? TauVoltage,
    PerNeuron Threshold,
    PerNeuron Bias,
    ResetMode Reset,
    PerNeuron Refractory)
{
    private static readonly PerNeuron s_zero = PerNeuron.Scalar(0);

    /// <summary>
    /// A constant input added to the current u every step (file key <c>currentBias</c>, optional,
    /// default 0), as opposed to <see cref="Bias"/>, which is added to the voltage. It is how a
    /// constant synaptic input (a NIR <c>Affine</c> bias feeding a <c>CubaLIF</c>, or an HTS-EP
    /// neuron's bias in its spiking realization) is expressed exactly; with τ_u = 1 it is the same as
    /// <see cref="Bias"/>.
    /// </summary>
    public PerNeuron CurrentBias { get; init; } = s_zero;

    /// <summary>True when <see cref="CurrentBias"/> is zero for every neuron (files then omit the key).</summary>
    public bool HasNoCurrentBias => CurrentBias.Min == 0 && CurrentBias.Max == 0;

    /// <summary>
    /// Optional clamp of v after each update (file keys <c>vMin</c> and <c>vMax</c>; null: none), as
    /// Loihi's vmin/vmax. The spiking realization of HTS-EP neurons uses [0, 2]: no memory of a
    /// negative drive, and no wind-up in saturation.
    /// </summary>
    public PerNeuron? VoltageMin { get; init; }

    public PerNeuron? VoltageMax { get; init; }
}

/// <summary>
/// <c>ep-rate</c>: an HTS-EP neuron, s ← s + dt·(ρ(Σ w·s + bias) − s) with ρ = clip(·, 0, 1).
/// <see cref="Tau"/> is the time constant it was drawn with (in units of the base step), kept for
/// the record; <see cref="Dt"/> is what the dynamics use.
/// </summary>
public sealed record EpRateParameters(PerNeuron Dt, PerNeuron Bias, PerNeuron? Tau);

/// <summary>Pins a population, or the slice [<see cref="FirstNeuron"/>, + <see cref="Count"/>), to a core.</summary>
public sealed record PlacementPin(int TileX, int TileY, int Core, int FirstNeuron, int? Count);

/// <summary>A group of neurons of one model.</summary>
public sealed class Population
{
    public Population(string name, int size, NeuronModel model, CubaLifParameters? cubaLif = null, EpRateParameters? epRate = null,
        IReadOnlyList<PlacementPin>? placement = null)
    {
        Name = name;
        Size = size;
        Model = model;
        CubaLif = cubaLif;
        EpRate = epRate;
        Placement = placement ?? [];
        if (model == NeuronModel.CubaLif && cubaLif is null)
        {
            throw new ArgumentException("a cuba-lif population needs its parameters", nameof(cubaLif));
        }

        if (model == NeuronModel.EpRate && epRate is null)
        {
            throw new ArgumentException("an ep-rate population needs its parameters", nameof(epRate));
        }
    }

    public string Name { get; }
    public int Size { get; }
    public NeuronModel Model { get; }
    public CubaLifParameters? CubaLif { get; }
    public EpRateParameters? EpRate { get; }
    public IReadOnlyList<PlacementPin> Placement { get; }

    /// <summary>Global index of this population's first neuron (populations are numbered in file order).</summary>
    public int FirstNeuron { get; internal set; }

    public static string ModelName(NeuronModel model) => model switch
    {
        NeuronModel.Input => "input",
        NeuronModel.CubaLif => "cuba-lif",
        NeuronModel.EpRate => "ep-rate",
        _ => throw new ArgumentOutOfRangeException(nameof(model)),
    };

    public override string ToString() => $"{Name} ({Size} × {ModelName(Model)})";
}
