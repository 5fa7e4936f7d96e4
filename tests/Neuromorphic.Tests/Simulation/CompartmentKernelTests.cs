using Neuromorphic.Mapping.Quantization;
using Neuromorphic.Simulation.Kernels;

namespace Neuromorphic.Tests.Simulation;

public class CompartmentKernelTests
{
    [Fact]
    public void Fixed_kernel_decays_u_with_offset_then_adds_u_and_bias_to_v()
    {
        int u = 10_000, v = 0, refractory = 0;
        // u: 10000·(4096 − (409 + 1)) >> 12 = 8999; v: 0·(4096 − 0) >> 12 + 8999 + 7 = 9006.
        var fired = CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 0, 409, 0, 7, 1 << 20, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 0);
        Assert.False(fired);
        Assert.Equal(8999, u);
        Assert.Equal(9006, v);

        // v decays by dv = 2048 (half): 9006·2048 >> 12 = 4503; u: 8999·3686 >> 12 = 8098 (+ input 64·5 = 320 → 8418); v = 4503 + 8418.
        fired = CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 320, 409, 2048, 0, 1 << 20, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 0);
        Assert.False(fired);
        Assert.Equal(8098 + 320, u);
        Assert.Equal(4503 + 8418, v);
    }

    [Fact]
    public void Fixed_kernel_wraps_u_at_24_bits_and_saturates_v()
    {
        int u = (1 << 23) - 10, v = 0, refractory = 0;
        CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 20, 0, 0, 0, int.MaxValue, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 0);
        // u = (2^23 − 10)·4095 >> 12 = 8,386,550 (du = 0 still removes 1/4096, toward zero) + 20 → 8,386,570 (no wrap).
        Assert.Equal(8_386_570, u);
        u = (1 << 23) - 1;
        CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 1 << 12, 4095, 0, 0, int.MaxValue, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 0);
        Assert.Equal(1 << 12, u);                             // du = 4095 empties u first
        u = (1 << 23) - 1;
        CompartmentKernels.StepFixed(ref u, ref v, ref refractory, (1 << 23) - 1, 0, 0, 0, int.MaxValue, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 0);
        // decay field 0: u·4095 >> 12 = 8,386,559; + 8,388,607 = 16,775,166 wraps to 16,775,166 − 2^24 = −2,050.
        Assert.Equal(-2_050, u);
        v = LoihiFixedPoint.StateMax - 5;
        u = 100;
        CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 0, 4095, 0, 1000, int.MaxValue, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 0);
        Assert.Equal(LoihiFixedPoint.StateMax, v);            // v saturates instead of wrapping
    }

    [Fact]
    public void Threshold_is_strict_and_reset_modes_differ()
    {
        int u = 0, v = 0, refractory = 0;
        var fired = CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 1000, 4095, 4095, 0, 1000, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 0);
        Assert.False(fired);                                  // v == threshold: no spike (v > θ, as on Loihi)
        u = 0;
        v = 0;
        fired = CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 1300, 4095, 4095, 0, 1000, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 0);
        Assert.True(fired);
        Assert.Equal(0, v);                                   // zero reset
        u = 0;
        v = 0;
        fired = CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 1300, 4095, 4095, 0, 1000, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, true, 0);
        Assert.True(fired);
        Assert.Equal(300, v);                                 // subtractive reset keeps the excess
    }

    [Fact]
    public void Refractory_holds_v_at_zero_and_counts_down()
    {
        int u = 0, v = 0, refractory = 0;
        Assert.True(CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 5000, 4095, 4095, 0, 1000, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 2));
        Assert.Equal(2, refractory);
        Assert.False(CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 5000, 4095, 4095, 0, 1000, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 2));
        Assert.Equal(0, v);
        Assert.False(CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 5000, 4095, 4095, 0, 1000, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 2));
        Assert.Equal(0, refractory);
        Assert.True(CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 5000, 4095, 4095, 0, 1000, -LoihiFixedPoint.StateMax, LoihiFixedPoint.StateMax, false, 2));
    }

    [Fact]
    public void Voltage_clamps_apply_after_the_update()
    {
        int u = 0, v = 0, refractory = 0;
        CompartmentKernels.StepFixed(ref u, ref v, ref refractory, -5000, 4095, 0, 0, 1000, 0, 2047, true, 0);
        Assert.Equal(0, v);                                   // vmin = 0: negative drive leaves no memory
        u = 0;
        CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 900, 4095, 0, 0, 100_000, 0, 2047, true, 0);
        CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 900, 4095, 0, 0, 100_000, 0, 2047, true, 0);
        CompartmentKernels.StepFixed(ref u, ref v, ref refractory, 900, 4095, 0, 0, 100_000, 0, 2047, true, 0);
        Assert.Equal(2047, v);
    }

    [Fact]
    public void Simd_accumulate_equals_scalar_reference_on_random_runs()
    {
        var rng = new Random(11);
        for (var trial = 0; trial < 200; trial++)
        {
            var length = rng.Next(0, 300);
            var weights = Enumerable.Range(0, length).Select(_ => rng.Next(-100_000, 100_000)).ToArray();
            var start = Enumerable.Range(0, length).Select(_ => rng.Next(-1_000_000, 1_000_000)).ToArray();
            var fast = (int[])start.Clone();
            var slow = (int[])start.Clone();
            SynapticAccumulate.Add(fast, weights);
            SynapticAccumulate.AddScalar(slow, weights);
            Assert.Equal(slow, fast);

            var weightsF = weights.Select(w => w / 1000f).ToArray();
            var fastF = start.Select(x => x / 1000f).ToArray();
            var slowF = (float[])fastF.Clone();
            SynapticAccumulate.Add(fastF, weightsF);
            SynapticAccumulate.AddScalar(slowF, weightsF);
            Assert.Equal(slowF, fastF);
        }
    }
}
