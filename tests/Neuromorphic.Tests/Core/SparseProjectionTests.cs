using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Core;

/// <summary>Projections with <c>connections</c>: only the connected pairs are synapses, in the file, the hash and the mapped tables.</summary>
public class SparseProjectionTests
{
    private static NetworkSpec Network(bool sparse, int size = 4)
    {
        var input = new Population("in", 2, NeuronModel.Input);
        var lif = new CubaLifParameters(PerNeuron.Scalar(1), null, PerNeuron.Scalar(1), PerNeuron.Scalar(0), ResetMode.Zero, PerNeuron.Scalar(0));
        // Two cores of two neurons each: in.0 reaches only the first core, in.1 only out.3.
        var output = new Population("out", size, NeuronModel.CubaLif, lif,
            placement: [new PlacementPin(0, 0, 0, 0, 2), new PlacementPin(1, 0, 0, 2, 2)]);
        var weights = new float[size * 2];
        var connections = new bool[size * 2];
        foreach (var (post, pre, w) in new[] { (0, 0, 1f), (1, 0, 0f), (3, 1, 2f) })
        {
            weights[post * 2 + pre] = w;
            connections[post * 2 + pre] = true;
        }

        return new NetworkSpec("sparse", [input, output], [new Projection("in->out", input, output, weights, connections: sparse ? connections : null)]);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(1)]
    public void Connections_round_trip_inline_and_in_a_sidecar_and_enter_the_hash(int inlineLimit)
    {
        using var directory = new TempDirectory();
        var network = Network(sparse: true);
        NetworkFile.Save(network, directory.File("net.json"), inlineLimit);
        var back = NetworkFile.Load(directory.File("net.json"));
        Assert.Equal(network.ContentHash, back.ContentHash);
        Assert.Equal(network.Projections[0].Connections, back.Projections[0].Connections);
        Assert.Equal(3, back.Projections[0].SynapseCount);
        Assert.NotEqual(Network(sparse: false).ContentHash, network.ContentHash);
        Assert.Equal(inlineLimit == 1, File.Exists(directory.File("net.0.mask")));
    }

    [Fact]
    public void A_weight_where_there_is_no_synapse_is_bad_input_naming_the_place()
    {
        using var directory = new TempDirectory();
        NetworkFile.Save(Network(sparse: true), directory.File("net.json"));
        var text = File.ReadAllText(directory.File("net.json")).Replace("[0, 0],\n        [0, 2]", "[0, 0],\n        [5, 2]", StringComparison.Ordinal);
        File.WriteAllText(directory.File("bad.json"), text);
        var error = Assert.Throws<InvalidInputException>(() => NetworkFile.Load(directory.File("bad.json")));
        Assert.Contains("$.projections[0].weights", error.Message, StringComparison.Ordinal);
        Assert.Contains("no synapse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_mapped_tables_hold_only_the_connections_and_send_only_where_they_lead()
    {
        var chip = ChipLoader.Load("tiny");
        var sparse = new Mapper().Map(Network(sparse: true), chip, "test");
        var dense = new Mapper().Map(Network(sparse: false), chip, "test");
        Assert.Equal(3, sparse.SynapseCount);
        Assert.Equal(8, dense.SynapseCount);
        // in.0: one message (to the first core, 2 synapses); in.1: one message (to the second core, 1 synapse).
        Assert.Equal(2, sparse.MessageCount);
        Assert.Equal(4, dense.MessageCount);
    }
}
