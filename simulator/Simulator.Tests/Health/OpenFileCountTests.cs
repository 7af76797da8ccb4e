using Microsoft.Win32.SafeHandles;
using Simulator.Core.Health;
using Simulator.Core.Processes;
using Simulator.Tests.Mqtt;
using Simulator.Tests.Support;

namespace Simulator.Tests.Health;

/// <summary>The open-file count the generator's health reports each second, by statx and by listing.</summary>
[Collection(nameof(AllocationCollection))] // no other test opens or closes files meanwhile
public sealed class OpenFileCountTests
{
    [Fact]
    public void BothWaysCountEveryDescriptorOpened()
    {
        Assert.True(OperatingSystem.IsLinux());
        var kernelReportsSize = Environment.OSVersion.Version >= new Version(6, 2);
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "f");
        File.WriteAllText(path, "x");

        var statBefore = OpenFileCount.FromStat();
        var listBefore = DirectoryEntries.Count("/proc/self/fd");
        Assert.Equal(kernelReportsSize, statBefore is not null);
        var handles = new List<SafeFileHandle>();
        try
        {
            for (var i = 0; i < 300; i++)
            {
                handles.Add(File.OpenHandle(path));
            }

            var statAfter = OpenFileCount.FromStat();
            var listAfter = DirectoryEntries.Count("/proc/self/fd");
            Assert.InRange(listAfter!.Value - listBefore!.Value, 300, 303);
            if (kernelReportsSize)
            {
                Assert.InRange(statAfter!.Value - statBefore!.Value, 300, 303);
                Assert.InRange(listAfter.Value - statAfter.Value, -3, 3); // the listing also counts its own descriptor
                Assert.InRange(ProcessLimits.OpenFiles()!.Value - statAfter.Value, -3, 3);
            }
        }
        finally
        {
            handles.ForEach(h => h.Dispose());
        }
    }
}
