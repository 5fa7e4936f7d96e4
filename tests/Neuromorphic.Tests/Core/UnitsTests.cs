using Neuromorphic.Core.Units;

namespace Neuromorphic.Tests.Core;

public class UnitsTests
{
    [Fact]
    public void SimTime_converts_units_exactly()
    {
        Assert.Equal(3_500, SimTime.FromNanoseconds(3.5).Picoseconds);
        Assert.Equal(600_000, SimTime.FromMicroseconds(0.6).Picoseconds);
        Assert.Equal(1.8, SimTime.FromMicroseconds(1.8).TotalMicroseconds, 12);
        Assert.Equal(SimTime.FromPicoseconds(7_000), SimTime.FromNanoseconds(3.5) + SimTime.FromNanoseconds(3.5));
        Assert.True(SimTime.FromNanoseconds(1) < SimTime.FromNanoseconds(1.001));
        Assert.Equal("4.1 ns", SimTime.FromNanoseconds(4.1).ToString());
    }

    [Fact]
    public void Energy_sums_are_exact_and_order_independent()
    {
        var synop = Energy.FromPicojoules(23.6);
        Assert.Equal(23_600, synop.Femtojoules);
        var forward = Energy.Zero;
        var backward = Energy.Zero;
        var costs = new[] { 23.6, 81, 52, 1.7, 3.0, 4.0, 0.001 };
        foreach (var c in costs)
        {
            forward += Energy.FromPicojoules(c) * 1_000_003;
        }

        foreach (var c in costs.Reverse())
        {
            backward += Energy.FromPicojoules(c) * 1_000_003;
        }

        Assert.Equal(forward, backward);
        Assert.Equal(165_301 * 1_000_003L, forward.Femtojoules);
    }

    [Fact]
    public void Static_power_times_time_is_in_femtojoules()
    {
        // 104 mW for 1 µs = 104 nJ = 104,000,000 fJ.
        Assert.Equal(104_000_000, Energy.FromPower(104, SimTime.FromMicroseconds(1)).Femtojoules);
    }
}
