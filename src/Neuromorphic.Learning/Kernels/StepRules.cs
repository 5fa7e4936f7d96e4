using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Neuromorphic.Learning.Kernels;

/// <summary>
/// How one neuron's state moves in one step, as a type parameter of the kernels (the JIT compiles
/// one specialised kernel per rule, so the choice costs nothing per element). <see cref="Step"/>
/// is the update of a layer from its total drive g (feed-forward plus feedback);
/// <see cref="Top"/> the output layer's update with the nudge towards the target.
/// </summary>
internal interface IStepRule
{
    static abstract Vector256<float> Step(Vector256<float> drive, Vector256<float> state, Vector256<float> dt);

    static abstract Vector256<float> Top(Vector256<float> drive, Vector256<float> target, Vector256<float> beta, Vector256<float> state, Vector256<float> dt);
}

/// <summary>
/// The prototypical form (Ernoult et al. 2019; Laborieux et al. 2021): s ← s + dt·(ρ(g) − s), and
/// for the output the nudge inside ρ, g = drive + β(y − s).
/// </summary>
internal readonly struct PrototypicalRule : IStepRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Step(Vector256<float> drive, Vector256<float> state, Vector256<float> dt) => Lanes.LeakyStep(drive, state, dt);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Top(Vector256<float> drive, Vector256<float> target, Vector256<float> beta, Vector256<float> state, Vector256<float> dt) =>
        Lanes.LeakyStep(Vector256.FusedMultiplyAdd(beta, target - state, drive), state, dt);
}

/// <summary>
/// The prototypical form with the output's nudge outside ρ, as in the released code of Ernoult et
/// al. 2019 (<c>EPdisc.stepper</c>): s_L ← s_L + dt·(ρ(drive) − s_L + β(y − s_L)). The free phase
/// (β = 0) is the same as <see cref="PrototypicalRule"/>'s bit for bit; in a nudged phase the
/// output may leave [0, 1], so a unit whose drive is below zero for every input still moves towards
/// its target and keeps a learning signal (the dead-output remedy, <c>--nudge outside</c>).
/// </summary>
internal readonly struct OutsideNudgeRule : IStepRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Step(Vector256<float> drive, Vector256<float> state, Vector256<float> dt) => Lanes.LeakyStep(drive, state, dt);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Top(Vector256<float> drive, Vector256<float> target, Vector256<float> beta, Vector256<float> state, Vector256<float> dt)
    {
        var rate = Vector256.Min(Vector256.Max(drive, Vector256<float>.Zero), Vector256<float>.One);
        var change = Vector256.FusedMultiplyAdd(beta, target - state, rate - state);
        var next = Vector256.FusedMultiplyAdd(dt, change, state);
        return Vector256.GreaterThanOrEqual(Vector256.Abs(next), Vector256.Create(Lanes.FlushBelow)) & next;
    }
}

/// <summary>
/// The energy-based (continuous Hopfield) form of Scellier and Bengio 2017, s ← s + dt·(−s +
/// ρ′(s)·g) with g = Σ W ρ(s_neighbours) + b, the output's nudge β(y − s) added outside ρ′ (it is
/// −β∂C/∂s of C = ½‖s_L − y‖²), and the state projected onto [0, 1] after every step, as in the
/// published code of both papers (Scellier's Theano model, Ernoult's <c>EPcont</c>). ρ′(s) = 1 on
/// the closed interval [0, 1] (their convention: <c>(x &gt;= 0) &amp; (x &lt;= 1)</c>), 0 outside.
/// Because every state stays in [0, 1], ρ(s) = s for every neighbour, so the kernels use the
/// states themselves as ρ(s); <see cref="ScalarKernels"/> applies ρ explicitly.
/// </summary>
internal readonly struct EnergyRule : IStepRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Step(Vector256<float> drive, Vector256<float> state, Vector256<float> dt) =>
        Project(Vector256.FusedMultiplyAdd(dt, (Derivative(state) & drive) - state, state));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Top(Vector256<float> drive, Vector256<float> target, Vector256<float> beta, Vector256<float> state, Vector256<float> dt)
    {
        var force = Vector256.FusedMultiplyAdd(beta, target - state, Derivative(state) & drive);
        return Project(Vector256.FusedMultiplyAdd(dt, force - state, state));
    }

    /// <summary>All ones where 0 ≤ s ≤ 1 (ρ′ = 1), zero elsewhere, as a mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Derivative(Vector256<float> state) =>
        Vector256.GreaterThanOrEqual(state, Vector256<float>.Zero) & Vector256.LessThanOrEqual(state, Vector256<float>.One);

    /// <summary>clip(u, 0, 1), with results below <see cref="Lanes.FlushBelow"/> set to zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Project(Vector256<float> u)
    {
        var next = Vector256.Min(Vector256.Max(u, Vector256<float>.Zero), Vector256<float>.One);
        return Vector256.GreaterThanOrEqual(next, Vector256.Create(Lanes.FlushBelow)) & next;
    }
}

/// <summary>The rules by name, for the scalar references and dispatch.</summary>
internal enum StepRuleKind
{
    Prototypical,
    OutsideNudge,
    Energy,
}
