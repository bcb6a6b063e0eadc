using DesertSeg.Lab.IO;

namespace DesertSeg.Lab.Tests.IO;

public class FileLinksTests
{
    [Fact]
    public void TheSecondName_KeepsItsBytes_WhenTheFirstIsReplacedOrDeleted()
    {
        using var folder = new TempFolder();
        string source = folder.Combine("state-model.bin"), last = folder.Combine("checkpoints", "last.bin");
        AtomicFile.WriteAllBytes(source, [1, 2, 3, 4]);

        FileLinks.LinkOrCopy(source, last);
        Assert.Equal([1, 2, 3, 4], File.ReadAllBytes(last));

        // The next epoch's state replaces the file by a rename: the old name keeps the old bytes.
        AtomicFile.WriteAllBytes(source, [9, 9]);
        Assert.Equal([1, 2, 3, 4], File.ReadAllBytes(last));
        // The old epoch's state is deleted: the checkpoint stays.
        File.Delete(source);
        Assert.Equal([1, 2, 3, 4], File.ReadAllBytes(last));
        Assert.Empty(Directory.GetFiles(folder.Combine("checkpoints"), ".*")); // no temporary file left behind
    }

    [Fact]
    public void LinkingAgain_ReplacesTheOldTarget()
    {
        using var folder = new TempFolder();
        string a = folder.Combine("a.bin"), b = folder.Combine("b.bin"), best = folder.Combine("best.bin");
        File.WriteAllBytes(a, [1]);
        File.WriteAllBytes(b, [2, 2]);
        FileLinks.LinkOrCopy(a, best);
        FileLinks.LinkOrCopy(b, best);
        Assert.Equal([2, 2], File.ReadAllBytes(best));
        Assert.Equal([1], File.ReadAllBytes(a));
    }

    [Fact]
    public void OnLinux_ItIsAHardLink_NotACopy()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var folder = new TempFolder();
        string source = folder.Combine("model.bin"), link = folder.Combine("last.bin");
        File.WriteAllBytes(source, new byte[4096]);

        Assert.True(FileLinks.LinkOrCopy(source, link));

        // Both names count two links to one inode (stat, not our code, says so).
        var stat = ChildProcess.Run("stat", ["-c", "%i %h", source, link]);
        var lines = stat.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(lines[0], lines[1]);
        Assert.EndsWith(" 2", lines[0]);
    }
}
