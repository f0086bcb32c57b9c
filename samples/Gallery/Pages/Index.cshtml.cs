using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Strata.AspNetCore.Storage;

namespace Gallery.Pages;

public sealed record GalleryFile(string Name, string Url, bool IsImage);

public sealed class IndexModel([FromKeyedServices("media")] IFileStorage media) : PageModel
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"];

    public IReadOnlyList<GalleryFile> Files { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var listing = await media.ListAsync("", cancellationToken);
        Files = listing.Files
            .Select(name => new GalleryFile(name, media.GetUrl(name), ImageExtensions.Contains(Path.GetExtension(name).ToLowerInvariant())))
            .ToList();
    }

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? upload, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(upload?.FileName ?? "");
        if (upload is null || fileName.Length == 0)
        {
            TempData["Notice"] = "Choose a file to upload.";
            return RedirectToPage();
        }
        await using var content = upload.OpenReadStream();
        // With FileOverwrite off a taken name is kept and the upload gets a new one.
        var stored = await media.SaveAsync(fileName, content, cancellationToken);
        TempData["Notice"] = $"Uploaded {stored}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string name, CancellationToken cancellationToken)
    {
        // On the versioned media bucket this only adds a delete marker: the file waits on the Recently deleted page.
        await media.DeleteAsync(name, cancellationToken);
        TempData["Notice"] = $"Deleted {name}. It can be restored from Recently deleted.";
        return RedirectToPage();
    }
}
