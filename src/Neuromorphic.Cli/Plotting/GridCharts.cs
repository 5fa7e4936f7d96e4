using System.Globalization;
using ScottPlot;

namespace Neuromorphic.Cli.Plotting;

/// <summary>One core of a mesh heatmap: its tile, its value (NaN: no data) and an optional cell label.</summary>
public readonly record struct MeshCell(int TileX, int TileY, int Slot, double Value);

/// <summary>The traffic of one directed mesh link out of a tile.</summary>
public readonly record struct LinkLoad(int TileX, int TileY, int DeltaX, int DeltaY, double Messages);

public static partial class Charts
{
    /// <summary>
    /// A heatmap of one value per core laid out on the mesh: each tile is a block of cores (2 × 2 for
    /// four cores per tile), cores without data are grey, every used cell carries its value, and a
    /// colour bar names the unit.
    /// </summary>
    public static Plot MeshHeatmap(string path, string title, string unit, int meshWidth, int meshHeight, int coresPerTile, IReadOnlyList<MeshCell> cells,
        string valueFormat = "0.##")
    {
        var side = (int)Math.Ceiling(Math.Sqrt(coresPerTile));
        var usedX = cells.Count == 0 ? meshWidth : cells.Max(c => c.TileX) + 1;
        var usedY = cells.Count == 0 ? meshHeight : cells.Max(c => c.TileY) + 1;
        var width = Math.Clamp(usedX, 1, meshWidth) * side;
        var height = Math.Clamp(usedY, 1, meshHeight) * side;
        var grid = new double[height, width];
        for (var r = 0; r < height; r++)
        {
            for (var c = 0; c < width; c++)
            {
                grid[r, c] = double.NaN;
            }
        }

        var plot = NewPlot(title, "tile x (east →)", "tile y (north →)");
        foreach (var cell in cells)
        {
            var x = cell.TileX * side + cell.Slot % side;
            var y = cell.TileY * side + cell.Slot / side;
            if (x < width && y < height)
            {
                grid[height - 1 - y, x] = cell.Value;
            }
        }

        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.NaNCellColor = Colors.LightGray;
        heatmap.Rectangle = new CoordinateRect(0, width, 0, height);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = unit;
        bar.LabelStyle.Padding = 12;
        foreach (var cell in cells.Where(c => double.IsFinite(c.Value)))
        {
            var text = plot.Add.Text(cell.Value.ToString(valueFormat, CultureInfo.InvariantCulture),
                cell.TileX * side + cell.Slot % side + 0.5, cell.TileY * side + cell.Slot / side + 0.5);
            text.LabelAlignment = Alignment.MiddleCenter;
            text.LabelFontSize = width * height > 64 ? 9 : 12;
            text.LabelFontColor = Colors.White;
        }

        TileTicks(plot, width / side, height / side, side);
        return Save(plot, path);
    }

    /// <summary>Messages over each directed link of the mesh, as arrows between tile centres whose width and label give the count.</summary>
    public static Plot LinkTraffic(string path, string title, int meshWidth, int meshHeight, IReadOnlyList<LinkLoad> links)
    {
        var plot = NewPlot(title, "tile x (east →)", "tile y (north →)");
        var usedX = links.Count == 0 ? 1 : Math.Max(links.Max(l => Math.Max(l.TileX, l.TileX + l.DeltaX)) + 1, 1);
        var usedY = links.Count == 0 ? 1 : Math.Max(links.Max(l => Math.Max(l.TileY, l.TileY + l.DeltaY)) + 1, 1);
        usedX = Math.Min(Math.Max(usedX, 2), meshWidth);
        usedY = Math.Min(Math.Max(usedY, 1), meshHeight);
        for (var x = 0; x < usedX; x++)
        {
            for (var y = 0; y < usedY; y++)
            {
                var tile = plot.Add.Rectangle(x + 0.3, x + 0.7, y + 0.3, y + 0.7);
                tile.FillColor = Colors.LightGray;
                tile.LineColor = Colors.Gray;
            }
        }

        var max = links.Count == 0 ? 1 : Math.Max(1, links.Where(l => l.DeltaX != 0 || l.DeltaY != 0).Select(l => l.Messages).DefaultIfEmpty(1).Max());
        foreach (var within in links.Where(l => l.DeltaX == 0 && l.DeltaY == 0 && l.Messages > 0))
        {
            var text = plot.Add.Text($"{within.Messages:N0}\nwithin tile", within.TileX + 0.5, within.TileY + 0.5);
            text.LabelFontSize = 11;
            text.LabelAlignment = Alignment.MiddleCenter;
        }

        foreach (var link in links.Where(l => l.Messages > 0 && (l.DeltaX != 0 || l.DeltaY != 0)))
        {
            // Offset each direction sideways so that opposite links do not overlap.
            var (ox, oy) = (link.DeltaY * 0.08, -link.DeltaX * 0.08);
            var x0 = link.TileX + 0.5 + link.DeltaX * 0.2 + ox;
            var y0 = link.TileY + 0.5 + link.DeltaY * 0.2 + oy;
            var arrow = plot.Add.Arrow(x0, y0, x0 + link.DeltaX * 0.6, y0 + link.DeltaY * 0.6);
            arrow.ArrowLineWidth = (float)(1 + 7 * link.Messages / max);
            arrow.ArrowFillColor = ColorOf(3).WithAlpha(0.4 + 0.6 * link.Messages / max);
            arrow.ArrowLineColor = arrow.ArrowFillColor;
            var text = plot.Add.Text(link.Messages.ToString("N0", CultureInfo.InvariantCulture), x0 + link.DeltaX * 0.3 + ox, y0 + link.DeltaY * 0.3 + oy);
            text.LabelFontSize = 11;
            text.LabelAlignment = Alignment.MiddleCenter;
        }

        plot.Axes.SetLimits(0, usedX, 0, usedY);
        TileTicks(plot, usedX, usedY, 1);
        return Save(plot, path);
    }

    /// <summary>A confusion matrix: rows the true class, columns the predicted one, coloured by row share, each cell labelled with its count.</summary>
    public static Plot Confusion(string path, string title, IReadOnlyList<string> classNames, int[,] counts)
    {
        var classes = classNames.Count;
        var shares = new double[classes, classes];
        for (var t = 0; t < classes; t++)
        {
            var row = 0;
            for (var p = 0; p < classes; p++)
            {
                row += counts[t, p];
            }

            for (var p = 0; p < classes; p++)
            {
                shares[t, p] = row == 0 ? double.NaN : 100.0 * counts[t, p] / row;
            }
        }

        var plot = NewPlot(title, "predicted class", "true class");
        var heatmap = plot.Add.Heatmap(shares);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.NaNCellColor = Colors.LightGray;
        heatmap.Rectangle = new CoordinateRect(-0.5, classes - 0.5, -0.5, classes - 0.5);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "share of the true class (%)";
        bar.LabelStyle.Padding = 12;
        for (var t = 0; t < classes; t++)
        {
            for (var p = 0; p < classes; p++)
            {
                if (counts[t, p] == 0)
                {
                    continue;
                }

                var text = plot.Add.Text(counts[t, p].ToString(CultureInfo.InvariantCulture), p, classes - 1 - t);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = 11;
                text.LabelFontColor = shares[t, p] > 50 ? Colors.Black : Colors.White;
            }
        }

        var positions = Enumerable.Range(0, classes).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, classNames.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = -35;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.MinimumSize = 40 + 6.5f * classNames.Max(n => n.Length);
        plot.Axes.SetLimits(-0.5, classes - 0.5, -0.5, classes - 0.5);
        plot.Axes.Left.SetTicks(positions.Select(p => classes - 1 - p).ToArray(), classNames.ToArray());
        return Save(plot, path, 900, 800);
    }

    private static void TileTicks(Plot plot, int tilesX, int tilesY, int side)
    {
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, tilesX).Select(x => x * side + side / 2.0).ToArray(),
            Enumerable.Range(0, tilesX).Select(x => x.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, tilesY).Select(y => y * side + side / 2.0).ToArray(),
            Enumerable.Range(0, tilesY).Select(y => y.ToString(CultureInfo.InvariantCulture)).ToArray());
    }
}
