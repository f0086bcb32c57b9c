using Strata.AspNetCore.FileSystem;
using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.Tests;

public sealed class FileSystemStorageContract : StorageContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "strata-fs-storage-" + Guid.NewGuid().ToString("N")[..12]);

    protected override Task<(IFileStorage Unique, IFileStorage Overwriting)> CreateStoragesAsync() => Task.FromResult<(IFileStorage, IFileStorage)>((
        new FileSystemStorage(new FileSystemStorageOptions { Location = _directory, BaseUrl = "/media/" }),
        new FileSystemStorage(new FileSystemStorageOptions { Location = _directory + "-overwriting", FileOverwrite = true })));

    public override Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        Directory.Delete(_directory + "-overwriting", recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_file_lands_under_the_location_and_its_url_is_the_base_url_plus_its_name()
    {
        await Storage.SaveAsync("photos/summer day.jpg", Text("sun"));
        Assert.Equal("sun", await File.ReadAllTextAsync(Path.Combine(_directory, "photos", "summer day.jpg")));
        Assert.Equal("/media/photos/summer%20day.jpg", Storage.GetUrl("photos/summer day.jpg"));
    }

    [Fact]
    public void Without_a_base_url_a_file_has_no_url()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Overwriting.GetUrl("site.css"));
        Assert.Contains("no BaseUrl", error.Message);
    }
}
