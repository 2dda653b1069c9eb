#!/usr/bin/env bash
# Remakes the small clips in resources/ (the demo result and three sample references)
# with the ffmpeg that the imageio-ffmpeg package ships. The output is committed; run this
# only to change them.
set -euo pipefail
cd "$(dirname "$0")/../resources"
FF=$(python -c "import imageio_ffmpeg; print(imageio_ffmpeg.get_ffmpeg_exe())")
FONT=${FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf}
ENC=(-c:v libx264 -pix_fmt yuv420p -preset slow -c:a aac -shortest -movflags +faststart)

label() { echo "drawtext=fontfile=$FONT:text='$1':fontcolor=$2:fontsize=18:x=10:y=h-30"; }

"$FF" -hide_banner -loglevel error -y \
  -f lavfi -i "gradients=s=640x360:r=24:d=5:speed=0.03:c0=0x1d3557:c1=0xe63946:c2=0xf1faee:c3=0x457b9d:n=4" \
  -f lavfi -i "sine=frequency=330:sample_rate=44100:duration=5" \
  -filter_complex "[0:v]noise=alls=12:allf=t,drawtext=fontfile=$FONT:text='Wan Studio demo clip':fontcolor=white:fontsize=40:x=(w-text_w)/2:y=(h-text_h)/2-20:shadowx=2:shadowy=2,drawtext=fontfile=$FONT:text='%{eif\:t*24\:d} / 120':fontcolor=white:fontsize=24:x=(w-text_w)/2:y=h/2+40[v];[1:a]volume=0.3[a]" \
  -map "[v]" -map "[a]" "${ENC[@]}" -crf 28 -b:a 64k demo.mp4

"$FF" -hide_banner -loglevel error -y \
  -f lavfi -i "color=c=0x87ceeb:s=480x270:r=24:d=4" -f lavfi -i "sine=frequency=523:sample_rate=44100:duration=4" \
  -filter_complex "[0:v]drawbox=x='40+300*abs(sin(t*1.5))':y='120-80*abs(sin(t*3))':w=80:h=80:color=0xe63946:t=fill,$(label 'sample character - red box' black)[v];[1:a]volume=0.2[a]" \
  -map "[v]" -map "[a]" "${ENC[@]}" -crf 30 -b:a 48k sample-red-box.mp4

"$FF" -hide_banner -loglevel error -y \
  -f lavfi -i "mandelbrot=s=480x270:r=24:end_scale=0.5" -f lavfi -i "sine=frequency=392:sample_rate=44100:duration=4" \
  -filter_complex "[0:v]trim=duration=4,$(label 'sample character - fractal' white)[v];[1:a]volume=0.2[a]" \
  -map "[v]" -map "[a]" "${ENC[@]}" -crf 32 -b:a 48k sample-fractal.mp4

"$FF" -hide_banner -loglevel error -y \
  -f lavfi -i "life=s=240x135:r=24:mold=10:ratio=0.1:death_color=#203040:life_color=#f1c40f,scale=480:270:flags=neighbor" \
  -f lavfi -i "sine=frequency=262:sample_rate=44100:duration=4" \
  -filter_complex "[0:v]trim=duration=4,$(label 'sample character - swarm' white)[v];[1:a]volume=0.2[a]" \
  -map "[v]" -map "[a]" "${ENC[@]}" -crf 32 -b:a 48k sample-swarm.mp4
ls -l ./*.mp4
