using Gallery;

var app = GalleryApp.Build(args);
app.Run();
