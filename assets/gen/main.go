// Command gen writes Warpdesk's icons into assets/: go run ./assets/gen
package main

import (
	"flag"
	"image/png"
	"log"
	"os"
	"path/filepath"

	"github.com/warpdesk/warpdesk/assets/draw"
)

func main() {
	dir := flag.String("dir", "assets", "directory to write the PNG files to")
	flag.Parse()
	for _, ic := range draw.All() {
		if err := write(filepath.Join(*dir, ic.File), ic); err != nil {
			log.Fatal(err)
		}
	}
}

func write(path string, ic draw.Icon) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, ic.Img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
